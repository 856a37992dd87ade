import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import t, { type Test } from 'tap';
import { parse } from 'yaml';
import type { DrillResult, DrillRow } from '../../src/drill/drill-result.js';
import { ensureProbeImage } from '../../src/image/probe-image.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { documentErrors } from '../fixtures/json-documents.js';
import { canaryForFile } from './fake-internet.js';
import {
  cli,
  cliJson,
  containersLabelled,
  plainConnect,
  projectName,
  runtime,
  serviceContainers,
  teardown,
  upProject,
  upReferenceAndBroken,
} from './helpers.js';

// Expectations without writing them (issue #11), on one reference topology and its broken twin: one pair for the
// three, since bringing a pair up and down is most of each file's time in every cell of the matrix.
//
// - `dockprobe infer`: inferred from the Compose file through Compose itself (v1 or v2, as the cell runs) and from the
//   running project (`--live`); the two agree; the inferred scenario passes live, and the broken twin fails it.
// - Zone rules: scenarios/reference-rules.yml passes on the reference; on the twin it FAILs naming each rule, and the
//   static answer (each rule the deployment's Compose file contradicts, with its line) is on stderr before any probe.
//   `test --infer --project` runs the expectations `infer --live` infers, directly.
// - `dockprobe drill`: what the proxy must reach is worked out from the Compose files themselves, not written down by
//   hand. The drill keeps to the test's own project (--project) and knocks only on the ports its listeners use
//   (--ports, --no-host-ports): it never scans whatever else runs on this machine.
// `internet` is the local canary, never the real one.

t.setTimeout(300_000);
const RULES = 'scenarios/reference-rules.yml';

interface ComposeFile {
  services: Record<string, { networks: string[]; expose?: string[]; ports?: string[] }>;
}

/** What a drill from `source` must find in a Compose file: each row's target and status, and the ports listened on. */
async function expected(
  file: string,
  source: string,
): Promise<{ ports: number[]; rows: Map<string, DrillRow['status']> }> {
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
      for (const port of ports)
        rows.set(
          `${name}:${port} on ${network}`,
          !mine.has(network) ? 'blocked' : listens(name).includes(port) ? 'reached' : 'path-open',
        );
    }
  }
  return { ports, rows };
}

const canary = await canaryForFile(t, 'infer, rules and drill on the reference topology');
if (canary) {
  // Two shapes more than the reference's (a chain of three networks, a hub on all three), brought up beside the pair.
  const chain = projectName('dptest-chain');
  const [{ reference, broken }, downChain] = await Promise.all([
    upReferenceAndBroken(t, 'dptest-expect'),
    upProject('test/fixtures/compose/chain.yml', chain),
  ]);
  teardown(t, `tear down ${chain}`, downChain);
  const internet = canary.target;

  // ---- infer
  const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-infer-'));
  const file = join(tmp, 'inferred.yml');
  // What the file interpolates (the probe image, the run labels), as for `compose up`.
  const env = {
    DOCKPROBE_IMAGE: await ensureProbeImage(runtime),
    DOCKPROBE_RUN: `test-${reference}`,
    DOCKPROBE_PID: String(process.pid),
    DOCKPROBE_HOST: hostname(),
  };
  // Podman publishes the port of a container only on internal networks, where Docker drops it: from the host the
  // reference's redis answers on its loopback binding, against what the file means (internal: true), and that cell is
  // the one finding there, as a plain connection to the binding shows. Everything else is as on Docker.
  const podman = process.env.DOCKPROBE_ENGINE_KIND === 'podman';
  const redisBinding = async () => {
    const [redis] = await serviceContainers(reference, 'redis');
    return { ...redis!.ports.find((p) => p.port === 6379)!.published[0]!, name: redis!.name };
  };
  const findings = async (t: Test): Promise<string[]> => {
    if (!podman) return [];
    const { hostIp, hostPort, name } = await redisBinding();
    t.equal(await plainConnect(hostIp, hostPort), 'open', 'a plain connection to the binding answers');
    return [
      `host → redis:6379: published-on-address: published on ${hostIp}:${hostPort} only, and it answers, although ${name} is only on internal networks (internal-backend): this engine keeps the binding (Docker drops it, Podman keeps it), so internal: true does not keep the host from the port`,
    ];
  };
  const targets = (text: string) =>
    parseScenario(text, 'x.yml')
      .expectations.flatMap((e) =>
        e.to.map((to) => `${e.from.kind === 'network' ? e.from.network : e.from.kind} ${to.label} ${e.reachable}`),
      )
      .sort();

  t.test('from the file and from what runs, the same plan; it passes live on the topology', async (t) => {
    const fromFile = await cli(
      ['infer', '--file', 'docker-compose.test.yml', '--project', reference, '--write', file],
      env,
    );
    t.equal(fromFile.exitCode, 0, fromFile.stderr);
    t.match(fromFile.stdout, /^inferred from .*config: 30 expectations\n/);
    const written = await readFile(file, 'utf8');
    const live = await cli(['infer', '--live', '--project', reference, '--write', join(tmp, 'live.yml')]);
    t.equal(live.exitCode, 0, live.stderr);
    t.same(
      targets(await readFile(join(tmp, 'live.yml'), 'utf8')),
      targets(written),
      'the running project says what its file says',
    );
    const { exitCode, report, stderr } = await cliJson(['test', file, '--internet', canary.target]);
    t.equal(exitCode, podman ? 1 : 0, stderr);
    t.same(
      report?.verdicts
        .filter((v) => v.status !== 'pass')
        .map((v) => `${v.source} → ${v.target}: ${v.code}: ${v.reason}`),
      await findings(t),
    );
    t.equal(report?.summary.total, 30);
  });

  t.test('a chain of three networks and a hub on all three: the plan inferred from the file passes live', async (t) => {
    const chainEnv = { ...env, DOCKPROBE_RUN: `test-${chain}` };
    const { exitCode, stdout, stderr } = await cli(
      [
        'test',
        '--infer',
        '--file',
        'test/fixtures/compose/chain.yml',
        '--project',
        chain,
        '--internet',
        internet,
        '--format',
        'json',
      ],
      chainEnv,
    );
    t.equal(exitCode, 0, stderr);
    const report = JSON.parse(stdout) as {
      verdicts: { source: string; target: string; status: string; code: string; reason: string }[];
    };
    t.same(
      report.verdicts
        .filter((v) => v.status !== 'pass')
        .map((v) => `${v.source} → ${v.target}: ${v.code}: ${v.reason}`),
      [],
    );
    const cell = (source: string, target: string) =>
      report.verdicts.find((v) => v.source === source && v.target === target)?.code;
    t.equal(cell('network n1', 'ab:7002'), 'reached', 'along the chain: a neighbour on a shared network');
    t.equal(cell('network n1', 'c:7004'), 'blocked', 'not two links away');
    t.equal(cell('network n3', 'hub:7005'), 'reached', 'the hub from the far end');
    t.equal(cell('network n3', 'internet'), 'no-egress', 'n3 is internal');
  });

  t.test('the broken twin fails the inferred plan, naming what it opened', async (t) => {
    // The twin has no worker-egress network: its zone's entries are left out (they would be an unknown name, exit 2).
    const entries = (await readFile(file, 'utf8')).split(/\n(?= {2}- name: )/);
    const shared = join(tmp, 'shared.yml');
    await writeFile(shared, `${entries.filter((e) => !e.includes('network: worker-egress')).join('\n')}\n`);
    const { exitCode, report, stderr } = await cliJson([
      'test',
      shared,
      '--project',
      broken,
      '--internet',
      canary.target,
    ]);
    t.equal(exitCode, 1, stderr);
    const failed = report?.verdicts.filter((v) => v.status === 'fail').map((v) => `${v.source} → ${v.target}`) ?? [];
    for (const leak of ['network public-facing → redis:6379', 'network public-facing → postgres:5432'])
      t.ok(failed.includes(leak), `${leak} fails`);
  });

  // ---- rules and test --infer
  const rows = (verdicts: { expectation: string; source: string; target: string }[] = []) =>
    verdicts.map((v) => `${v.expectation} | ${v.source} → ${v.target}`).sort();

  t.test('the rules pass on the reference, each cell named after its rule; nothing is contradicted', async (t) => {
    const { exitCode, report, stderr } = await cliJson([
      'test',
      RULES,
      '--project',
      reference,
      '--internet',
      canary.target,
    ]);
    t.equal(exitCode, 0, stderr);
    t.same(
      report?.verdicts
        .filter((v) => v.status !== 'pass')
        .map((v) => `${v.expectation}: ${v.source} → ${v.target}: ${v.code}: ${v.reason}`),
      [],
    );
    t.same(rows(report?.verdicts), [
      'rule 1 (network public-facing never reaches postgres, redis) | network public-facing → postgres:5432',
      'rule 1 (network public-facing never reaches postgres, redis) | network public-facing → redis:6379',
      'rule 2 (network internal-backend has no egress) | network internal-backend → internet',
      'rule 3 (only network internal-backend reaches postgres): network internal-backend reaches postgres | network internal-backend → postgres:5432',
      'rule 3 (only network internal-backend reaches postgres): network public-facing does not reach postgres | network public-facing → postgres:5432',
      'rule 3 (only network internal-backend reaches postgres): network worker-egress does not reach postgres | network worker-egress → postgres:5432',
      'rule 3 (only network internal-backend reaches postgres): proxy does not reach postgres | service proxy → postgres:5432',
    ]);
    t.same(report?.staticFindings, []);
    t.notMatch(stderr, /contradicted by the deployment/);
  });

  t.test(
    'the broken twin: the static answer before probing, with the Compose line; then FAIL, exit 1, naming the rules',
    async (t) => {
      const { exitCode, report, stderr } = await cliJson([
        'test',
        RULES,
        '--project',
        broken,
        '--internet',
        canary.target,
      ]);
      t.equal(exitCode, 1, stderr);
      t.same(
        rows(report?.verdicts.filter((v) => v.status === 'fail')),
        [
          'rule 1 (network public-facing never reaches postgres, redis) | network public-facing → postgres:5432',
          'rule 1 (network public-facing never reaches postgres, redis) | network public-facing → redis:6379',
          'rule 3 (only network internal-backend reaches postgres): network public-facing does not reach postgres | network public-facing → postgres:5432',
          'rule 3 (only network internal-backend reaches postgres): proxy does not reach postgres | service proxy → postgres:5432',
        ],
        'the live verdicts: every path the twin opened, under the rule it breaks',
      );
      t.same(
        report?.verdicts
          .filter((v) => v.status === 'inconclusive')
          .map((v) => `${v.source} → ${v.target}: ${v.reason}`),
        [],
      );
      t.same(
        report?.staticFindings.map((f) => `${f.code} rule ${f.rule}: ${f.reason}`),
        [
          'rule-contradicted-by-topology rule 1: postgres is on public-facing',
          'rule-contradicted-by-topology rule 1: redis is on public-facing',
          'rule-contradicted-by-topology rule 3: proxy shares public-facing with postgres',
          'rule-contradicted-by-topology rule 3: postgres is on public-facing',
        ],
      );
      // The Compose file the twin was brought up from, through its containers' labels: postgres's networks line.
      t.match(
        stderr,
        /dockprobe: rule 1 \(network public-facing never reaches postgres, redis\) at scenarios\/reference-rules\.yml:9:5 is contradicted by the deployment: postgres is on public-facing\n {2}\S*docker-compose\.broken\.yml:48:16: networks: \[public-facing, internal-backend\]\n/,
      );
      t.ok(
        stderr.indexOf('is contradicted by the deployment') < stderr.indexOf('starting '),
        'said before any probe starts',
      );
    },
  );

  t.test('test --infer --project: the inferred expectations run directly and pass on the reference', async (t) => {
    const { exitCode, report, stderr } = await cliJson([
      'test',
      '--infer',
      '--project',
      reference,
      '--internet',
      canary.target,
    ]);
    t.equal(exitCode, podman ? 1 : 0, stderr);
    t.same(
      report?.verdicts
        .filter((v) => v.status !== 'pass')
        .map((v) => `${v.source} → ${v.target}: ${v.code}: ${v.reason}`),
      await findings(t),
    );
    t.equal(report?.summary.total, 30, 'what infer --live infers (above)');
    t.same(report?.scenarios, [`<inferred from the live project ${reference}>`]);
    t.match(stderr, new RegExp(`inferred 30 expectations from the live project ${reference}`));
  });

  t.test('test FILE --infer: the rules and the inferred expectations in one run', async (t) => {
    const { exitCode, report, stderr } = await cliJson([
      'test',
      RULES,
      '--infer',
      '--project',
      reference,
      '--internet',
      canary.target,
    ]);
    t.equal(exitCode, podman ? 1 : 0, stderr);
    t.equal(report?.summary.total, 37);
    t.same(
      report?.verdicts
        .filter((v) => v.status !== 'pass')
        .map((v) => `${v.source} → ${v.target}: ${v.code}: ${v.reason}`),
      await findings(t),
    );
    t.same(report?.scenarios, [`<inferred from the live project ${reference}>`, RULES]);
  });

  // ---- drill

  async function drillFrom(project: string, ports: number[]) {
    const { exitCode, stdout, stderr } = await cli([
      'drill',
      '--from',
      'proxy',
      '--project',
      project,
      '--ports',
      ports.join(','),
      '--no-host-ports',
      '--internet',
      internet,
      '--format',
      'json',
    ]);
    return { exitCode, stderr, result: JSON.parse(stdout) as DrillResult };
  }

  t.test('a drill from the proxy lists exactly what it can reach and nothing it cannot', async (t) => {
    const { ports, rows } = await expected('docker-compose.test.yml', 'proxy');
    const { exitCode, stderr, result } = await drillFrom(reference, ports);
    t.equal(exitCode, 0, stderr);
    t.match(result, { format: 'dockprobe-drill', version: 1 });
    t.same(documentErrors('dockprobe-drill', result), [], 'a valid dockprobe-drill document (schemas/)');
    t.same(result.summary.inconclusive, 0);
    const seen = new Map(
      result.rows.filter((r) => r.via !== 'published' && r.kind !== 'egress').map((r) => [r.target, r.status]),
    );
    t.same(
      Object.fromEntries([...seen].sort()),
      Object.fromEntries([...rows].sort()),
      'every container at every address on every listened port, and every name: as the Compose file says',
    );
    // The proxy's own published port is not its target, and Docker dropped redis's (internal networks only): the
    // reference topology publishes nothing else, so there is nothing published to knock on at the proxy's gateway.
    // Podman publishes redis's, on loopback only: knocked on at the gateway, the host refuses it.
    const binding = podman ? await redisBinding() : undefined;
    t.same(
      result.rows.filter((r) => r.via === 'published').map((r) => [r.target, r.published?.binding, r.status]),
      binding
        ? [
            [
              'redis:6379 published on the host, via public-facing',
              `${binding.hostIp}:${binding.hostPort} only`,
              'path-open',
            ],
          ]
        : [],
      podman ? "only redis's loopback binding, refused at the gateway" : 'no published port to try',
    );
    t.match(
      result.rows.find((r) => r.kind === 'egress'),
      { status: 'reached', code: 'egress-open' },
      'public-facing is no internal network',
    );
    t.same(await containersLabelled(`dockprobe.run=${result.runId}`), [], 'no probe left');
    const pretty = await cli([
      'drill',
      '--from',
      'proxy',
      '--project',
      reference,
      '--ports',
      ports.join(','),
      '--no-host-ports',
      '--internet',
      'none',
    ]);
    t.equal(pretty.exitCode, 0, pretty.stderr);
    t.match(
      pretty.stdout,
      /^bounds: at most 128 connects by address and 32 other checks in flight per probe \(64 lookups across the probes running\), 1 attempt\(s\) per check, 1s per attempt, 16 probes at once/m,
    );
    t.match(
      pretty.stdout,
      /^What service proxy reaches, riskiest first \(2\):\n {2}admin {6}frontend:3000 on public-facing — Grafana \(often\): open [\d.]+:3000 in /m,
    );
  });

  t.test('on the broken twin it lists the leaked database, riskiest first', async (t) => {
    const { ports, rows } = await expected('docker-compose.broken.yml', 'proxy');
    const { exitCode, stderr, result } = await drillFrom(broken, ports);
    t.equal(exitCode, 0, stderr);
    const seen = new Map(
      result.rows.filter((r) => r.via !== 'published' && r.kind !== 'egress').map((r) => [r.target, r.status]),
    );
    t.same(Object.fromEntries([...seen].sort()), Object.fromEntries([...rows].sort()));
    const reached = result.rows.filter((r) => r.status === 'reached' && r.kind === 'port');
    t.match(reached[0], { risk: { kind: 'database', name: 'PostgreSQL' }, status: 'reached' }, 'the database first');
    t.ok(
      reached.some((r) => r.target === 'postgres:5432 on public-facing'),
      'the database, by its address on the public network',
    );
    // postgres publishes 5432 on all interfaces: the host answers for it at the proxy's gateway (docker-proxy listens
    // on every address of the host, that one included).
    t.match(
      result.rows.find((r) => r.via === 'published' && r.published?.port === 5432),
      { status: 'reached', risk: { kind: 'database' }, published: { allInterfaces: true } },
    );
    t.match(
      reached.find((r) => r.target === 'redis:6379 on public-facing'),
      { risk: { kind: 'cache' } },
    );
  });

  t.test(
    'drill baselines: the reference drilled from the proxy, then the twin against it: the leaked paths opened, exit 1',
    async (t) => {
      const { ports } = await expected('docker-compose.test.yml', 'proxy');
      const file = join(tmp, 'drill-baseline.json');
      const args = ['drill', '--from', 'proxy', '--ports', ports.join(','), '--no-host-ports', '--internet', 'none'];
      const first = await cli([...args, '--project', reference, '--write-baseline', file]);
      t.equal(first.exitCode, 0, first.stderr);
      t.match(first.stderr, new RegExp(`wrote ${file}: \\d+ paths, digest sha256:`));
      const same = await cli([...args, '--project', reference, '--baseline', file]);
      t.equal(same.exitCode, 0, same.stderr);
      t.match(same.stdout, /^no drift from /);
      const twin = await cli([...args, '--project', broken, '--baseline', file, '--format', 'json']);
      t.equal(twin.exitCode, 1, twin.stderr);
      // The names resolve now (opened); the addresses on public-facing are paths the reference never had (appeared).
      const drift = (JSON.parse(twin.stdout) as { drift: { kind: string; target: string }[] }).drift;
      const of = (kind: string) => drift.filter((d) => d.kind === kind).map((d) => d.target);
      t.same(of('opened').sort(), ['dns:postgres', 'dns:redis']);
      t.ok(
        of('appeared').includes('postgres:5432 on public-facing') &&
          of('appeared').includes('redis:6379 on public-facing'),
        of('appeared').join(', '),
      );
    },
  );

  // The LAN view of a drill, on each engine as its rules say (see perspectives.test.ts, from: lan): the proxy, published
  // on 127.0.0.1 only, answers a neighbour at its address on engines before 28.0 (moby/moby#45610).
  t.test(
    'drill --from lan: container addresses on the local bridges, no names, no egress, nothing left behind',
    async (t) => {
      if (process.getuid?.() !== 0) return t.plan(0, "the LAN view needs root on the engine's host");
      const major = Number((await runtime.system.info()).version.split('.')[0]);
      const { ports } = await expected('docker-compose.test.yml', 'proxy');
      const { stdout, exitCode, stderr } = await cli([
        'drill',
        '--from',
        'lan',
        '--project',
        reference,
        '--ports',
        ports.join(','),
        '--no-host-ports',
        '--format',
        'json',
      ]);
      t.equal(exitCode, 0, stderr);
      const result = JSON.parse(stdout) as DrillResult;
      t.equal(result.from, 'lan');
      t.same(
        result.rows.filter((r) => r.kind !== 'port'),
        [],
        'no name and no egress from the LAN',
      );
      const proxy = result.rows.find((r) => r.target === 'proxy:8080 on public-facing');
      t.equal(proxy?.status, major >= 28 ? 'blocked' : 'reached', `engine ${major}: ${proxy?.reason}`);
      t.equal(
        result.rows.find((r) => r.target === 'postgres:5432 on internal-backend')?.status,
        'blocked',
        'a container only on an internal network',
      );
      t.notMatch(
        (await execa('ip', ['netns', 'list'], { reject: false })).stdout,
        /dockprobe-lan-/,
        'no neighbour namespace left',
      );
    },
  );
}
