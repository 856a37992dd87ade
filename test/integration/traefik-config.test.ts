import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import t from 'tap';
import { ensureProbeImage } from '../../src/image/probe-image.js';
import type { Verdict } from '../../src/judge/verdict.js';
import { cliJson, egressGuard, projectName, runtime, teardown } from './helpers.js';
import { deployStack, docker, engineSharedDir, useOneNodeSwarm } from './swarm-helpers.js';

// Traefik v3.0 on the one-node swarm, with its static configuration where real deployments keep it: a bind-mounted
// YAML file, a TOML file, TRAEFIK_* variables, a swarm config (test/fixtures/swarm/traefik-config.yml; no proxy has
// a flag). Two routed services on both overlays, their network label set three ways in turn: the stack's real name
// (pass), none (ambiguous), the name without the stack's prefix (not found). One more proxy serves Traefik's API,
// whose answer this test writes from the deployment's real addresses: a server on a network the proxy is not on fails
// now; servers on its network pass.

t.setTimeout(300_000);
const setupStarted = performance.now();
await egressGuard();
const image = await ensureProbeImage(runtime);
const stack = projectName('dptraefik').replace(/-/g, '');
const dir = await mkdtemp(join(engineSharedDir(), 'dptest-traefik-'));
teardown(t, `remove ${dir}`, async () => {
  await rm(dir, { recursive: true, force: true });
  return [];
});
await chmod(dir, 0o755);
const SWARM = 'providers:\n  swarm:\n    exposedByDefault: false\n';
await writeFile(join(dir, 'traefik.yml'), SWARM);
await writeFile(join(dir, 'traefik.toml'), '[providers.swarm]\nexposedByDefault = false\n');
await writeFile(join(dir, 'traefik-api.yml'), `${SWARM}api:\n  insecure: true\n`);
await mkdir(join(dir, 'api'), { mode: 0o755 });
await writeFile(join(dir, 'api', 'http.json'), '[]');
const PROXIES = ['file', 'toml', 'env', 'config', 'api'];
// From the swarm on, a failure is a failed assertion, not a thrown error: the teardowns (the stack, the swarm) run.
const ready = await (async () => {
  await useOneNodeSwarm(t);
  const deployStarted = performance.now();
  await deployStack(
    t,
    'traefik-config.yml',
    stack,
    {
      ...process.env,
      DOCKPROBE_IMAGE: image,
      DOCKPROBE_RUN: `test-${stack}`,
      DOCKPROBE_PID: String(process.pid),
      DOCKPROBE_HOST: hostname(),
      DPTEST_DIR: dir,
    },
    PROXIES.length + 2,
  );
  t.comment(
    `stack ${stack} up in ${Math.round(performance.now() - deployStarted)} ms (set-up ${Math.round(performance.now() - setupStarted)} ms)`,
  );
})().then(
  () => true,
  (error: unknown) => {
    t.fail(`set-up: ${(error as Error).message}`);
    return false;
  },
);

const scenarios = await mkdtemp(join(tmpdir(), 'dockprobe-traefik-config-'));
const scenario = async (proxy: string) => {
  const file = join(scenarios, `${proxy}.yml`);
  await writeFile(
    file,
    `project: ${stack}\ntimeout: 1s\ntraefik: { proxy: proxy-${proxy} }\nexpect:\n  - from: { service: proxy-${proxy} }\n    to: [app:3001]\n    reachable: true\n`,
  );
  return file;
};
const files = Object.fromEntries(await Promise.all(PROXIES.map(async (p) => [p, await scenario(p)] as const)));

/** Sets (or, undefined, removes) traefik.docker.network on both routed services: a service label, no task restarts. */
async function networkLabel(value: string | undefined): Promise<void> {
  for (const service of ['app', 'web']) {
    const change = value
      ? ['--label-add', `traefik.docker.network=${value}`]
      : ['--label-rm', 'traefik.docker.network'];
    const update = await docker(['service', 'update', '--detach', ...change, `${stack}_${service}`]);
    if (update.exitCode !== 0) throw new Error(`docker service update ${stack}_${service}: ${update.stderr}`);
  }
}

/** Each routed service's task address on each overlay, as the engine reports it. */
async function addresses(service: string): Promise<Record<string, string>> {
  const id = (await docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${stack}_${service}`])).stdout
    .trim()
    .split('\n')[0]!;
  const inspect = JSON.parse((await docker(['inspect', id])).stdout) as {
    NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
  }[];
  return Object.fromEntries(Object.entries(inspect[0]!.NetworkSettings.Networks).map(([n, v]) => [n, v.IPAddress]));
}

/**
 * What Traefik's API answers (pkg/api's serviceRepresentation): one load-balanced service per routed service, its
 * server at the task's address on the overlay given, at its load-balancer port, reported up.
 */
async function writeApiAnswer(on: { app: string; web: string }): Promise<void> {
  const services = await Promise.all(
    (['app', 'web'] as const).map(async (service) => {
      const url = `http://${(await addresses(service))[`${stack}_${on[service]}`]}:${service === 'app' ? 3001 : 3002}`;
      return {
        loadBalancer: { servers: [{ url }], passHostHeader: true },
        status: 'enabled',
        usedBy: [`${service}@swarm`],
        serverStatus: { [url]: 'UP' },
        name: `${service}@swarm`,
        provider: 'swarm',
        type: 'loadbalancer',
      };
    }),
  );
  await writeFile(join(dir, 'api', 'http.json'), JSON.stringify(services));
}

/** Runs the scenarios of `proxies` in one run; the route verdicts by proxy and service. */
async function run(proxies: string[]) {
  const started = performance.now();
  const { exitCode, report, stderr } = await cliJson(['test', ...proxies.map((p) => files[p]!)]);
  t.comment(`dockprobe test (${proxies.join(', ')}): ${Math.round(performance.now() - started)} ms`);
  const routes = new Map<string, Verdict>();
  for (const v of report?.verdicts ?? []) {
    const proxy = /^Traefik routes of proxy-(\w+)$/.exec(v.expectation)?.[1];
    const service = /^route (\w+)/.exec(v.target)?.[1];
    if (proxy && service) routes.set(`${proxy} ${service}`, v);
  }
  const codes = (want: string[]) =>
    Object.fromEntries(
      want.flatMap((p) =>
        ['app', 'web'].map((s) => [`${p} ${s}`, [routes.get(`${p} ${s}`)?.status, routes.get(`${p} ${s}`)?.code]]),
      ),
    );
  return { exitCode, stderr, routes, codes, report };
}
const every = (proxies: string[], status: string, code: string) =>
  Object.fromEntries(proxies.flatMap((p) => ['app', 'web'].map((s) => [`${p} ${s}`, [status, code]])));
const tasksBefore = (await docker(['ps', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`])).stdout;
const test = ready ? t.test.bind(t) : t.skip.bind(t);

test('traefik.docker.network names the real network: every route passes, however the proxy is configured', async (t) => {
  await networkLabel(`${stack}_public-facing`);
  await writeApiAnswer({ app: 'public-facing', web: 'public-facing' });
  const { exitCode, stderr, codes, routes } = await run(PROXIES);
  t.same(codes(PROXIES), every(PROXIES, 'pass', 'traefik-route-reached'), stderr);
  t.equal(exitCode, 0, stderr);
  t.match(routes.get('file app')?.reason, /traefik\.docker\.network=\S+_public-facing/);
  t.match(
    routes.get('api app')?.reason,
    /Traefik's API at http:\/\/127\.0\.0\.1:8080 agrees: Traefik uses http:\/\/[\d.]+:3001/,
  );
  t.match(
    routes.get('file app')?.reason,
    /Traefik's API not read: the API is not enabled in the file \/etc\/traefik\/traefik\.yml/,
  );
});

test("Traefik's API lists a server on a network the proxy is not on: FAIL now, with its own code", async (t) => {
  await writeApiAnswer({ app: 'internal-backend', web: 'public-facing' });
  const { exitCode, stderr, codes, routes } = await run(['api']);
  t.same(
    codes(['api']),
    { 'api app': ['fail', 'traefik-server-unreachable'], 'api web': ['pass', 'traefik-route-reached'] },
    stderr,
  );
  t.equal(exitCode, 1, stderr);
  t.match(
    routes.get('api app')?.reason,
    new RegExp(`:3001 on ${stack}_internal-backend \\(UP in Traefik's API\\), a network the proxy is not on`),
  );
  await writeApiAnswer({ app: 'public-facing', web: 'public-facing' });
});

test("no network label: each route is ambiguous, today's choice from the API beside it", async (t) => {
  await networkLabel(undefined);
  const { exitCode, stderr, codes, routes } = await run(PROXIES);
  t.same(codes(PROXIES), every(PROXIES, 'fail', 'traefik-network-ambiguous'), stderr);
  t.equal(exitCode, 1, stderr);
  t.match(routes.get('env app')?.reason, /intermittent 502/);
  t.match(routes.get('api app')?.reason, /today Traefik uses http:\/\/[\d.]+:3001 on \S+_public-facing/);
});

test('the label without the stack prefix: each route FAILs traefik-label-not-found', async (t) => {
  await networkLabel('public-facing');
  const { exitCode, stderr, codes, routes } = await run(PROXIES);
  t.same(codes(PROXIES), every(PROXIES, 'fail', 'traefik-label-not-found'), stderr);
  t.equal(exitCode, 1, stderr);
  t.match(routes.get('toml web')?.reason, new RegExp(`real name is ${stack}_public-facing`));
  const tasksAfter = (await docker(['ps', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`])).stdout;
  t.equal(tasksAfter, tasksBefore, 'label updates restarted no task: the addresses the API answer holds stayed');
});
