import t from 'tap';
import type { SwarmNode } from '../../src/docker/swarm-client.js';
import { loadImageOnNodes } from '../../src/image/load-image-on-nodes.js';
import { FakeContainerClient } from '../fixtures/fake-container-client.js';
import { FakeEventClient } from '../fixtures/fake-event-client.js';
import { FakeImageClient } from '../fixtures/fake-image-client.js';
import { noPeers } from '../fixtures/fake-peers.js';
import { FakeSystemClient } from '../fixtures/fake-system-client.js';

// The probe image onto other swarm nodes through their engines: there is no registry, and a job names its image by id.

const IMAGE = 'dockprobe-probe:test';
const node = (id: string, hostname: string): SwarmNode => ({
  id,
  hostname,
  role: 'worker',
  availability: 'active',
  state: 'ready',
  address: '192.168.1.11',
  leader: false,
});

// A node's engine as loadImageOnNodes uses it: its images, and what it says it is.
function nodeEngine(id: string, options: { hasImage?: boolean; swarmNodeId?: string } = {}) {
  const peers = noPeers();
  const system = new FakeSystemClient(peers);
  system.answer = {
    ...system.answer,
    endpoint: `unix:///${id}.sock`,
    swarm: true,
    swarmNodeId: options.swarmNodeId ?? id,
  };
  const images = new FakeImageClient(peers);
  if (!options.hasImage) images.missing.add(IMAGE);
  return {
    system,
    images,
    events: new FakeEventClient(peers),
    containers: new FakeContainerClient(peers),
    calls: peers.calls,
    faults: peers.faults,
  };
}

t.test('a node without the image gets it from this engine (save | load), one with it is left alone', async (t) => {
  const source = new FakeImageClient();
  const b = nodeEngine('node-b');
  const c = nodeEngine('node-c', { hasImage: true });
  const outcomes = await loadImageOnNodes(
    { images: source },
    IMAGE,
    [
      { node: node('node-b', 'vps-2'), endpoint: 'ssh://root@vps-2', runtime: b },
      { node: node('node-c', 'vps-3'), endpoint: 'ssh://root@vps-3', runtime: c },
    ],
    1000,
  );
  t.same(
    outcomes.map((o) => [o.node, o.status]),
    [
      ['vps-2', 'loaded'],
      ['vps-3', 'present'],
    ],
  );
  t.ok(await b.images.exists(IMAGE), 'vps-2 has the image now');
  t.same(source.peers.calls, [`images.save ${IMAGE}`], 'saved once, for the node that lacked it');
  t.same(
    c.calls.filter((x) => x.startsWith('images.load')),
    [],
    'nothing loaded where it was',
  );
});

t.test('a node whose engine fails is reported with the reason, and the others still get the image', async (t) => {
  const source = new FakeImageClient();
  const dead = nodeEngine('node-b');
  dead.faults.set('images.load', new Error('load image at unix:///node-b.sock: no answer within 1000 ms'));
  const ok = nodeEngine('node-c');
  const outcomes = await loadImageOnNodes(
    { images: source },
    IMAGE,
    [
      { node: node('node-b', 'vps-2'), endpoint: 'unix:///node-b.sock', runtime: dead },
      { node: node('node-c', 'vps-3'), endpoint: 'unix:///node-c.sock', runtime: ok },
    ],
    1000,
  );
  t.match(outcomes, [
    { node: 'vps-2', status: 'failed', reason: /no answer within 1000 ms/ },
    { node: 'vps-3', status: 'loaded' },
  ]);
});
