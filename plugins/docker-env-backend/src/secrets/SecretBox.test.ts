import { ConfigReader } from '@backstage/config';
import { SecretBox } from './SecretBox';

const OLD = 'the-old-deployment-secrets-key-00000000';
const NEW = 'the-new-deployment-secrets-key-11111111';

describe('SecretBox', () => {
  const value = {
    env: { API_KEY: 'canary-1' },
    registryAuth: { username: 'u', password: 'p' },
  };

  it('seals without the clear value and opens what it sealed', () => {
    const box = new SecretBox(OLD);
    const sealed = box.seal(value);
    expect(sealed).not.toContain('canary-1');
    expect(sealed).toMatch(/^v1:[0-9a-f]{12}:/);
    expect(box.seal(value)).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed)).toEqual(value);
  });

  it('rotation: what the old key sealed opens with it in previousSecretsKeys; new seals use the new key', () => {
    const sealedBefore = new SecretBox(OLD).seal(value);
    const rotated = SecretBox.fromConfig(
      new ConfigReader({
        dockerEnv: {
          deployments: { secretsKey: NEW, previousSecretsKeys: [OLD] },
        },
      }),
    );
    expect(rotated.open(sealedBefore)).toEqual(value);
    const sealedAfter = rotated.seal(value);
    expect(new SecretBox(NEW).open(sealedAfter)).toEqual(value);
    // once the old key is dropped, what it sealed no longer opens, saying which key it needs
    expect(() => new SecretBox(NEW).open(sealedBefore)).toThrow(
      /sealed with key [0-9a-f]{12} which is neither/,
    );
    expect(() => new SecretBox(OLD).open(sealedAfter)).toThrow();
  });

  it('refuses an altered sealed text and a short key', () => {
    const box = new SecretBox(OLD);
    const parts = box.seal(value).split(':');
    parts[4] = `${parts[4].slice(0, -2)}AA`;
    expect(() => box.open(parts.join(':'))).toThrow();
    expect(() => new SecretBox('short')).toThrow(
      'dockerEnv.deployments.secretsKey: must be at least 32 characters',
    );
  });
});
