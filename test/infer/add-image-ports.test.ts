import t from 'tap';
import { skippedServices } from '../../src/cli/commands/infer-command.js';
import { exposedPortsOf } from '../../src/docker/dockerode-image-client.js';
import { addImagePorts } from '../../src/infer/add-image-ports.js';
import { inferExpectations } from '../../src/infer/infer-expectations.js';
import { modelFromComposeConfig } from '../../src/infer/model-from-compose-config.js';
import { renderScenario } from '../../src/infer/render-inferred.js';
import { refuseUncheckable } from '../../src/plan/scenario-problems.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { FakeImageClient } from '../fixtures/fake-image-client.js';

// A service with neither `expose:` nor `ports:` still listens: on the ports its image exposes (`redis:7` on 6379), and
// on the port a Traefik label sends its route to. Inference asks the engine for the image's ports (never pulling one)
// and reads the labels, in every form Compose and swarm give them; what it cannot read it says.

// `docker compose config` of a small stack whose file gives no port but to `web`'s published 8080.
const CONFIG = `name: shop
services:
  cache: { image: "redis:7", networks: { backend: null } }
  api:
    image: shop/api:1
    networks: { backend: null, front: null }
    labels: ["traefik.enable=true", "traefik.http.services.api.loadbalancer.server.port=3001"]
  admin:
    image: shop/admin:1
    networks: { front: null }
    deploy: { labels: { traefik.http.services.admin.loadBalancer.server.port: "9000" } }
  worker: { build: { context: ./worker }, networks: { backend: null } }
  ghost: { image: "ghost:absent", networks: { backend: null } }
  web:
    image: nginx:1
    networks: { front: null }
    ports: [{ mode: ingress, host_ip: 127.0.0.1, target: 8080, protocol: tcp }]
networks:
  backend: { internal: true }
  front: {}
`;

function images(): FakeImageClient {
  const fake = new FakeImageClient();
  fake.exposed.set('redis:7', ['6379/tcp']);
  fake.exposed.set('shop-worker', ['9100/tcp', '9100/udp', '7000/sctp']);
  fake.exposed.set('nginx:1', ['80/tcp']);
  fake.missing.add('ghost:absent');
  fake.missing.add('shop/api:1');
  return fake;
}

const cells = (model: Parameters<typeof inferExpectations>[0]) =>
  inferExpectations(model).flatMap((e) =>
    e.to.map((to) => `${e.from === 'host' ? 'host' : e.from.network} ${to.target} ${e.reachable}`),
  );

t.test("Traefik's port labels are ports: container labels as a list, swarm deploy.labels as a map", async (t) => {
  const model = modelFromComposeConfig(CONFIG, 'shop', 'config');
  const of = (name: string) => model.services.find((s) => s.name === name)!;
  t.same(of('api').ports, [3001]);
  t.same(of('admin').ports, [9000], "label keys are Traefik's: case-insensitive");
  t.match(of('api').portOrigins, { '3001/tcp': /traefik\.http\.services\.api\.loadbalancer\.server\.port/ });
  t.same(of('cache').ports, [], 'the file alone says nothing of redis');
  t.same(of('cache').images, ['redis:7']);
  t.same(of('worker').images, ['shop-worker', 'shop_worker'], "a built image by Compose's v2 name, then v1's");
  t.notOk(of('web').portOrigins, 'a port the file gives needs no origin');
  t.ok(cells(model).includes('front api:3001 true'));
});

t.test("the image's exposed ports, for the services the file gives none", async (t) => {
  const fake = images();
  const model = await addImagePorts(modelFromComposeConfig(CONFIG, 'shop', 'config'), fake);
  const of = (name: string) => model.services.find((s) => s.name === name)!;
  t.same(of('cache').ports, [6379]);
  t.same([of('worker').ports, of('worker').udpPorts], [[9100], [9100]], 'sctp is no target');
  t.same(of('web').ports, [8080], "web's own port stands; nginx's EXPOSE 80 is not added to it");
  t.same(of('api').ports, [3001], 'nor to a port a Traefik label gives');
  t.notOk(
    fake.peers.calls.some((c) => /exposedPorts (nginx:1|shop\/api:1)/.test(c)),
    'those images are not asked',
  );
  t.ok(fake.peers.calls.includes('images.exposedPorts shop-worker'));
  t.notOk(fake.peers.calls.includes('images.exposedPorts shop_worker'), "v1's name only when v2's is not there");
  const inferred = inferExpectations(model);
  const cache = inferred.flatMap((e) => e.to).find((to) => to.target === 'cache:6379');
  t.match(cache?.why, /cache is on backend \(port 6379: exposed by the image redis:7\)/);
  t.ok(cells(model).includes('front cache:6379 false'), 'blocked from the network it is not on');
  t.ok(cells(model).includes('backend udp://worker:9100 true'));
  t.same(of('ghost').ports, []);
  t.same(skippedServices(model.services), [
    'ghost (no port: neither expose: nor ports: nor a Traefik port label in the file, and the engine has no image ghost:absent, so its exposed ports are unknown: pull or build it and infer again)',
  ]);
  // What is written is a scenario validate takes.
  t.doesNotThrow(() => refuseUncheckable(parseScenario(renderScenario(model, inferred), 'inferred.yml')));
});

t.test('an engine that cannot answer is said for each service, and asked once', async (t) => {
  let asked = 0;
  const model = await addImagePorts(modelFromComposeConfig(CONFIG, 'shop', 'config'), {
    exposedPorts: async () => {
      asked++;
      throw new Error('connect ENOENT /var/run/docker.sock');
    },
  });
  t.equal(asked, 1);
  const skipped = skippedServices(model.services);
  t.equal(skipped.length, 3, 'cache, ghost and worker');
  for (const line of skipped)
    t.match(line, /the engine could not be asked which ports its image exposes \(connect ENOENT/);
  t.same(model.services.find((s) => s.name === 'api')?.ports, [3001], 'the labels need no engine');
});

t.test('an image that exposes nothing says so', async (t) => {
  const fake = new FakeImageClient();
  const model = await addImagePorts(
    modelFromComposeConfig('services: { job: { image: "busybox:1" } }\n', 'p', 'config'),
    fake,
  );
  t.same(skippedServices(model.services), [
    'job (no port: neither expose: nor ports: nor a Traefik port label in the file, and its image busybox:1 exposes no TCP or UDP port)',
  ]);
});

t.test("ExposedPorts' keys as the engines write them", async (t) => {
  t.same(exposedPortsOf(['6379/tcp', '53/udp', '8080', '6379', 'x/tcp', '132/sctp']), [
    { port: 53, protocol: 'udp' },
    { port: 132, protocol: 'sctp' },
    { port: 6379, protocol: 'tcp' },
    { port: 8080, protocol: 'tcp' },
  ]);
});
