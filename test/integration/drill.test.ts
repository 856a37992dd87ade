import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import type { DrillResult, DrillRow } from '../../src/drill/drill-result.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { canaryForFile } from './fake-internet.js';
import { cli, containersLabelled, upReferenceAndBroken } from './helpers.js';

// `dockprobe drill` on real topologies. What the proxy must reach is worked out from the Compose files themselves
// (which services share a network with it, on which ports they listen), not written down by hand. The drill keeps to
// the test's own project (--project) and knocks only on the ports its listeners use (--ports, --no-host-ports): it
// never scans whatever else runs on this machine. Egress goes to the local canary, or is not tried without one.

t.setTimeout(240_000);

interface ComposeFile {
  services: Record<string, { networks: string[]; expose?: string[]; ports?: string[] }>;
}

/** What a drill from `source` must find in a Compose file: each row's target and status, and the ports listened on. */
async function expected(file: string, source: string): Promise<{ ports: number[]; rows: Map<string, DrillRow['status']> }> {
  const compose = parse(await readFile(join(PACKAGE_ROOT, file), 'utf8')) as ComposeFile;
  const listens = (name: string) => (compose.services[name]!.expose ?? []).map(Number);
  const ports = [...new Set(Object.keys(compose.services).flatMap(listens))].sort((a, b) => a - b);
  const mine = new Set(compose.services[source]!.networks);
  const rows = new Map<string, DrillRow['status']>();
  for (const [name, service] of Object.entries(compose.services)) {
    if (name === source) continue;
    const shared = service.networks.some((n) => mine.has(n));
    rows.set(`dns:${name}`, shared ? 'reached' : 'blocked');
    for (const network of service.networks) {
      // On a network the source is on: a listener answers, any other port is refused by its host. Elsewhere: silence.
      for (const port of ports) rows.set(`${name}:${port} on ${network}`, !mine.has(network) ? 'blocked' : listens(name).includes(port) ? 'reached' : 'path-open');
    }
  }
  return { ports, rows };
}

const canary = await canaryForFile(t, 'drill egress to a local fake internet');
const { reference, broken } = await upReferenceAndBroken(t, 'dptest-drill');

async function drillFrom(project: string, ports: number[]) {
  const { exitCode, stdout, stderr } = await cli(['drill', '--from', 'proxy', '--project', project, '--ports', ports.join(','), '--no-host-ports', '--internet', canary?.target ?? 'none', '--format', 'json']);
  return { exitCode, stderr, result: JSON.parse(stdout) as DrillResult };
}

t.test('a drill from the proxy lists exactly what it can reach and nothing it cannot', async (t) => {
  const { ports, rows } = await expected('docker-compose.test.yml', 'proxy');
  const { exitCode, stderr, result } = await drillFrom(reference, ports);
  t.equal(exitCode, 0, stderr);
  t.equal(result.dockprobeDrill, 1);
  t.same(result.summary.inconclusive, 0);
  const seen = new Map(result.rows.filter((r) => r.via !== 'published' && r.kind !== 'egress').map((r) => [r.target, r.status]));
  t.same(Object.fromEntries([...seen].sort()), Object.fromEntries([...rows].sort()), 'every container at every address on every listened port, and every name: as the Compose file says');
  // The proxy's own published port is not its target, and Docker dropped redis's (internal networks only): the
  // reference topology publishes nothing else, so there is nothing published to knock on at the proxy's gateway.
  t.same(result.rows.filter((r) => r.via === 'published'), [], 'no published port to try');
  if (canary) t.match(result.rows.find((r) => r.kind === 'egress'), { status: 'reached', code: 'egress-open' }, 'public-facing is no internal network');
  t.same(await containersLabelled(`dockprobe.run=${result.runId}`), [], 'no probe left');
  const pretty = await cli(['drill', '--from', 'proxy', '--project', reference, '--ports', ports.join(','), '--no-host-ports', '--internet', 'none']);
  t.equal(pretty.exitCode, 0, pretty.stderr);
  t.match(pretty.stdout, /^bounds: at most 128 checks in flight per probe, 1 attempt\(s\) per check, 1s per attempt, 16 probes at once/m);
  t.match(pretty.stdout, /^What service proxy reaches, riskiest first \(2\):\n {2}admin {6}frontend:3000 on public-facing — Grafana \(often\): open [\d.]+:3000 in /m);
});

t.test('on the broken twin it lists the leaked database, riskiest first', async (t) => {
  const { ports, rows } = await expected('docker-compose.broken.yml', 'proxy');
  const { exitCode, stderr, result } = await drillFrom(broken, ports);
  t.equal(exitCode, 0, stderr);
  const seen = new Map(result.rows.filter((r) => r.via !== 'published' && r.kind !== 'egress').map((r) => [r.target, r.status]));
  t.same(Object.fromEntries([...seen].sort()), Object.fromEntries([...rows].sort()));
  const reached = result.rows.filter((r) => r.status === 'reached' && r.kind === 'port');
  t.match(reached[0], { risk: { kind: 'database', name: 'PostgreSQL' }, status: 'reached' }, 'the database first');
  t.ok(reached.some((r) => r.target === 'postgres:5432 on public-facing'), 'the database, by its address on the public network');
  // postgres publishes 5432 on all interfaces: the host answers for it at the proxy's gateway (docker-proxy listens
  // on every address of the host, that one included).
  t.match(result.rows.find((r) => r.via === 'published' && r.published?.port === 5432), { status: 'reached', risk: { kind: 'database' }, published: { allInterfaces: true } });
  t.match(reached.find((r) => r.target === 'redis:6379 on public-facing'), { risk: { kind: 'cache' } });
});
