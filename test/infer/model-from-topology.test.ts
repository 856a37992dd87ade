import t from 'tap';
import { modelFromTopology } from '../../src/infer/model-from-topology.js';
import { traefikTopology } from '../fixtures/traefik.js';

// `infer --live`: what runs, as inference sees it.

t.test('a running Traefik proxy that routes a service: the model names it, for traefik: {}', async (t) => {
  const routed = traefikTopology({ labels: { api: { 'traefik.enable': 'true' } } });
  t.equal(modelFromTopology(routed, 'ref').traefik, 'proxy');
  t.equal(modelFromTopology(traefikTopology(), 'ref').traefik, undefined, 'nothing routed: no check');
});
