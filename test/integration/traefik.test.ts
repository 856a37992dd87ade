import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import t from 'tap';
import { ensureProbeImage } from '../../src/image/probe-image.js';
import { cliJson, projectName, runtime, teardown, upProject } from './helpers.js';

// The Traefik check on a real engine. No registry here, so the proxy is the probe image tagged traefik:v2.11, with
// Traefik's command-line shape: dockprobe finds it by its image, reads its version from the tag and its provider
// options from its flags, then tries each routed service from inside the proxy's namespace on every network Traefik
// may pick. Four routes, one per way a route works or breaks (see the fixture).

t.setTimeout(180_000);
const TRAEFIK = 'traefik:v2.11';
const image = await ensureProbeImage(runtime);
// Never touch an image of the user's: tag only when the name is free, and remove only the tag this file made.
const existing = await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', TRAEFIK], {
  reject: false,
  timeout: 30_000,
});
const probeId = (
  await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeout: 30_000 })
).stdout.trim();
if (existing.exitCode === 0 && existing.stdout.trim() !== probeId) {
  t.fail(`${TRAEFIK} exists on this engine and is not the probe image: not touching it`);
  process.exit(1);
}
if (existing.exitCode !== 0) {
  await execa('docker', ['tag', image, TRAEFIK], { timeout: 30_000 });
  teardown(t, `remove the tag ${TRAEFIK}`, async () => {
    await execa('docker', ['rmi', '--no-prune', TRAEFIK], { reject: false, timeout: 30_000 });
    return [];
  });
}
const project = projectName('dptest-traefik');
process.env['DPTEST_PROJECT'] = project;
process.env['DPTEST_TRAEFIK_IMAGE'] = TRAEFIK;
teardown(t, `tear down ${project}`, await upProject('test/fixtures/compose/traefik.yml', project));
const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-traefik-'));

t.test('each route is judged as Traefik resolves it, from inside the proxy', async (t) => {
  const file = join(tmp, 'traefik.yml');
  // `expect:` holds one plain check: the proxy reaches api by name, as any deployment's scenario would say.
  await writeFile(
    file,
    `project: ${project}\ntimeout: 1s\ntraefik: {}\nexpect:\n  - from: { service: proxy }\n    to: [api:3001]\n    reachable: true\n`,
  );
  const { exitCode, report, stderr } = await cliJson(['test', file]);
  t.equal(exitCode, 1, `broken routes are a mismatch\n${stderr}`);
  const route = (service: string) =>
    report!.verdicts.find(
      (v) =>
        v.target.startsWith(`route ${service}`) || (v.target.includes(`${service}:`) && v.code.startsWith('traefik')),
    )!;
  const codes = Object.fromEntries(
    ['api', 'frontend', 'admin', 'billing'].map((s) => [s, route(s) ? [route(s).status, route(s).code] : undefined]),
  );
  t.same(
    codes,
    {
      api: ['pass', 'traefik-route-reached'],
      frontend: ['fail', 'traefik-network-ambiguous'],
      admin: ['fail', 'traefik-label-not-found'],
      billing: ['fail', 'traefik-network-not-shared'],
    },
    JSON.stringify(
      report!.verdicts.map((v) => [v.target, v.status, v.code, v.reason]),
      null,
      1,
    ),
  );
  t.match(
    route('frontend').reason,
    new RegExp(
      `${project}_public-facing.*${project}_internal-backend|${project}_internal-backend.*${project}_public-facing`,
    ),
    'names the networks Traefik may pick',
  );
  t.match(route('frontend').reason, /intermittent 502/);
  t.match(route('admin').reason, new RegExp(`real name is ${project}_public-facing`));
  t.match(route('api').reason, /answer|open/, 'the settled route answered from inside the proxy');
  t.equal(report!.verdicts.find((v) => v.target === 'api:3001')?.status, 'pass', 'the plain expectation still runs');
});
