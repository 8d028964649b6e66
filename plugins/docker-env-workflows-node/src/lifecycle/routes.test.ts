import { buildRouteDocument } from '@docker-env/plugin-docker-env-node';
import { assertValidRouteDocument } from '@docker-env/plugin-docker-env-node';
import {
  isPausedDocument,
  liveDocument,
  pausedDocument,
  withBackendIp,
} from './routes';

const settings = { baseDomain: 'docker.example.com', tls: false };
const main = buildRouteDocument(
  {
    environment: 'shop',
    target: { kind: 'backend', backend: { ip: '10.0.0.5', port: 8080 } },
  },
  settings,
);
const blueGreen = buildRouteDocument(
  {
    environment: 'shop',
    name: 'api',
    subdomain: 'api',
    target: {
      kind: 'blueGreen',
      blue: { ip: '10.0.0.5', port: 8081 },
      green: { ip: '10.0.0.5', port: 8082 },
      weights: { blue: 100, green: 0 },
    },
  },
  settings,
);

describe('paused routes', () => {
  it('points the router at a paused page URL and back at a new address', () => {
    const paused = { url: 'http://paused.internal:8000/' };
    const doc = pausedDocument(main.id, main.document, paused);
    assertValidRouteDocument(doc);
    expect(doc.http.routers![main.id].service).toBe('dockerenv_shop-paused');
    expect(doc.http.services!['dockerenv_shop-paused']).toEqual({
      loadBalancer: { servers: [{ url: 'http://paused.internal:8000/' }] },
    });
    expect(isPausedDocument(main.id, doc, paused)).toBe(true);
    // pausing twice changes nothing
    expect(pausedDocument(main.id, doc, paused)).toEqual(doc);

    const back = liveDocument(main.id, doc, paused, '10.0.0.9');
    expect(isPausedDocument(main.id, back, paused)).toBe(false);
    expect(back).toEqual(
      buildRouteDocument(
        {
          environment: 'shop',
          target: { kind: 'backend', backend: { ip: '10.0.0.9', port: 8080 } },
        },
        settings,
      ).document,
    );
  });

  it('pauses and restores a weighted container route with a named service', () => {
    const paused = { service: 'paused@file' };
    const doc = pausedDocument(blueGreen.id, blueGreen.document, paused);
    assertValidRouteDocument(doc);
    expect(doc.http.routers![blueGreen.id].service).toBe('paused@file');
    expect(doc.http.services).toEqual(blueGreen.document.http.services);
    expect(liveDocument(blueGreen.id, doc, paused, '10.0.0.5')).toEqual(
      blueGreen.document,
    );
  });

  it('moves every backend to the new address but not the paused page', () => {
    const paused = { url: 'http://10.0.0.5:9999/' };
    const doc = withBackendIp(
      main.id,
      pausedDocument(main.id, main.document, paused),
      paused,
      '10.0.0.7',
    );
    expect(doc.http.services).toEqual({
      dockerenv_shop: {
        loadBalancer: { servers: [{ url: 'http://10.0.0.7:8080' }] },
      },
      'dockerenv_shop-paused': {
        loadBalancer: { servers: [{ url: 'http://10.0.0.5:9999/' }] },
      },
    });
  });
});
