import t from 'tap';
import { detectProxy } from '../../src/traefik/detect-proxy.js';
import { container, PUBLIC, referenceTopology } from '../fixtures/reference-topology.js';
import { traefikTopology } from '../fixtures/traefik.js';

// The proxy: the service the scenario names, else the one running a traefik image or command.

t.test('found by its image, with its version and its command line read', async (t) => {
  const found = detectProxy(
    traefikTopology({
      image: 'traefik:v3.0',
      args: ['--providers.docker=true', '--providers.docker.network=ref_public-facing'],
    }).services,
    { project: 'ref', proxy: undefined },
  );
  t.equal(found.kind, 'found');
  if (found.kind !== 'found') return;
  t.match(found.proxy, {
    project: 'ref',
    service: 'proxy',
    image: 'traefik:v3.0',
    found: 'image',
    version: { major: 3, minor: 0 },
  });
  t.match(found.proxy.config, { source: 'flags', docker: { network: 'ref_public-facing' } });
});

t.test('found by its command when the image has another name; named when the scenario says', async (t) => {
  const custom = {
    ...container('proxy', 8080, [[PUBLIC, '172.18.0.2']]),
    image: 'registry.local/edge:7',
    command: ['/usr/local/bin/traefik', '--providers.docker'],
  };
  const byCommand = detectProxy(referenceTopology({ proxy: [custom] }).services, { project: 'ref', proxy: undefined });
  t.match(byCommand, { kind: 'found', proxy: { service: 'proxy', found: 'command', version: { major: undefined } } });
  const named = detectProxy(referenceTopology().services, { project: 'ref', proxy: 'frontend' });
  t.match(
    named,
    { kind: 'found', proxy: { service: 'frontend', found: 'named', config: { source: 'flags' } } },
    'a named proxy is taken at its word',
  );
});

t.test('none, or several: said as data, with the names to choose from', async (t) => {
  t.same(detectProxy(referenceTopology().services, { project: 'ref', proxy: undefined }), {
    kind: 'not-found',
    looked: ['api', 'frontend', 'postgres', 'proxy', 'redis'],
  });
  t.match(detectProxy(referenceTopology().services, { project: 'ref', proxy: 'edge' }), { kind: 'not-found' });
  const twice = referenceTopology({
    proxy: [{ ...container('proxy', 8080, [[PUBLIC, '172.18.0.2']]), image: 'traefik:v2.11' }],
    api: [{ ...container('api', 3001, [[PUBLIC, '172.18.0.3']]), image: 'docker.io/library/traefik:v3.0' }],
  });
  t.same(detectProxy(twice.services, { project: 'ref', proxy: undefined }), {
    kind: 'several',
    candidates: ['api', 'proxy'],
  });
  t.match(
    detectProxy(twice.services, { project: 'other', proxy: undefined }),
    { kind: 'not-found', looked: [] },
    "only the proxy's project is searched",
  );
});
