import type {
  ContainerSummary,
  DockerEventMessage,
} from '@docker-env/plugin-docker-env-node';
import { ContainerBook } from './facts';

const ev = (
  action: string,
  attributes: Record<string, string> = {},
  id = 'c1',
): DockerEventMessage => ({
  type: 'container',
  action,
  id,
  attributes: { name: 'web', image: 'nginx:latest', ...attributes },
  time: 0,
});

const summary = (over: Partial<ContainerSummary> = {}): ContainerSummary => ({
  id: 'c1',
  name: 'web',
  image: 'nginx:latest',
  state: 'running',
  status: 'Up 2 seconds',
  labels: { app: 'web' },
  created: 0,
  ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 8080 }],
  ...over,
});

describe('ContainerBook', () => {
  it('turns engine events into facts, folding kill and oom into the exit', () => {
    const book = new ContainerBook();
    const facts = [
      ev('create', { 'docker-env.route': 'web' }),
      ev('start'),
      ev('oom'),
      ev('kill', { signal: '9' }),
      ev('die', { exitCode: '137' }),
      ev('start'),
      ev('kill', { signal: '15' }),
      ev('die', { exitCode: '0' }),
      ev('stop'),
      ev('restart'),
      ev('health_status: unhealthy'),
      ev('rename', { name: 'web-old', oldName: '/web' }),
      ev('exec_start: sh'),
      ev('destroy', { name: 'web-old' }),
    ].map((e, i) => book.applyEvent(e, 1000 + i));
    expect(
      facts.map(f => f && [f.kind, f.exitCode, f.oomKilled, f.signal]),
    ).toEqual([
      ['created', undefined, undefined, undefined],
      ['started', undefined, undefined, undefined],
      undefined,
      undefined,
      ['died', 137, true, '9'],
      ['started', undefined, undefined, undefined],
      undefined,
      ['died', 0, false, '15'],
      ['stopped', 0, false, '15'],
      ['restarted', undefined, undefined, undefined],
      ['health_changed', undefined, undefined, undefined],
      ['renamed', undefined, undefined, undefined],
      undefined,
      ['destroyed', undefined, undefined, undefined],
    ]);
    expect(facts[0]!.container.labels).toEqual({ 'docker-env.route': 'web' });
    expect(facts[10]!.health).toBe('unhealthy');
    expect(facts[11]).toEqual(
      expect.objectContaining({
        oldName: 'web',
        container: expect.objectContaining({ name: 'web-old' }),
      }),
    );
    expect(facts[0]!.at).toBe(new Date(1000).toISOString());
    expect(facts.every(f => !f || f.source === 'stream')).toBe(true);
  });

  it('records a first list without facts, then reports what later lists differ in', () => {
    const book = new ContainerBook();
    expect(book.applyList([summary()], 1000, true)).toEqual([]);
    const later = book.applyList(
      [
        summary({ state: 'exited', status: 'Exited (1) 1 second ago' }),
        summary({ id: 'c2', name: 'db', status: 'Up 1 second (healthy)' }),
      ],
      2000,
      false,
    );
    expect(later.map(f => `${f.kind} ${f.container.name}`)).toEqual([
      'died web',
      'created db',
      'started db',
    ]);
    expect(later[0].inspect).toBe(true);
    expect(later.every(f => f.source === 'full-pass')).toBe(true);
    const third = book.applyList(
      [summary({ id: 'c2', name: 'db2', status: 'Up 2 seconds (unhealthy)' })],
      3000,
      false,
    );
    expect(third.map(f => `${f.kind} ${f.container.name}`)).toEqual([
      'renamed db2',
      'health_changed db2',
      'destroyed web',
    ]);
  });

  it('lets an event newer than a pass win over the pass’s list', () => {
    const book = new ContainerBook();
    book.applyList([summary()], 1000, true);
    // the pass started at 2000; the container was destroyed at 2500, the list (older) still has it
    book.applyEvent(ev('destroy'), 2500);
    expect(book.applyList([summary()], 2000, false)).toEqual([]);
    // a container created after the pass started is not reported destroyed by that pass
    book.applyEvent(ev('create', {}, 'c3'), 3500);
    expect(book.applyList([], 3000, false)).toEqual([]);
  });
});
