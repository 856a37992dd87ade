import t from 'tap';
import type { Check, Observation } from '../../probes/agent/protocol.js';
import { baselineOf } from '../../src/baseline/baseline.js';
import { drill } from '../../src/drill/drill.js';
import { failClosed } from '../../src/judge/fail-closed.js';
import type { VerdictCode } from '../../src/judge/verdict.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { verify } from '../../src/verify.js';
import { type DrillDeployment, drillDeployment } from '../fixtures/drill-deployment.js';

// The fail-closed rules exist once (src/judge/fail-closed.ts): each is driven here through every front end (`test`'s
// verdicts, `snapshot`'s baseline paths, `drill`'s rows) on the fake engine, toward the same target (PostgreSQL, on a
// network the proxy is not on, tried from inside the proxy). Each front end gives the rule's code, and the code comes
// from the rule itself: with the rule made to answer another code, every front end says that other code. A front end
// with a copy of the rule of its own would still say the first.

const SCENARIO = parseScenario(
  'project: shop\ntimeout: 1s\nexpect:\n  - from: { service: proxy }\n    to: [postgres:5432]\n    reachable: false\n',
  'shop.yml',
);
const POSTGRES = '172.19.0.4';

type Rule = 'probeFailed' | 'unfinished' | 'controlFailed' | 'worldChanged';

/** What each front end said of PostgreSQL from the proxy. */
async function frontEnds(setUp: (d: DrillDeployment, runId: string) => void): Promise<Record<string, VerdictCode>> {
  const run = (runId: string) => {
    const d = drillDeployment();
    setUp(d, runId);
    return { runtime: d.engine, runId, image: 'dockprobe-probe:test' };
  };
  const test = await verify({ ...run('ft'), scenarios: [SCENARIO] });
  const snapshot = baselineOf(await verify({ ...run('fs'), scenarios: [SCENARIO] }));
  const drilled = await drill({
    ...run('fd'),
    from: { kind: 'service', service: 'proxy' },
    ports: [],
    internet: [],
  });
  const verdict = test.verdicts.find((v) => v.target === 'postgres:5432')!;
  const path = snapshot.paths.find((p) => p.target === 'postgres:5432')!;
  const row = drilled.rows.find((r) => r.target === 'postgres:5432 on internal')!;
  return { test: verdict.code, snapshot: path.code, drill: row.code };
}

/** The agent's lines for each plan, each observation rewritten by `change` (undefined: never reported). */
function rewrite(d: DrillDeployment, change: (o: Observation, check: Check | undefined) => Observation | undefined) {
  const agent = d.engine.containers.agent!;
  d.engine.containers.agent = (plan, probe) => {
    const checks = new Map(plan.checks.map((c) => [c.id, c]));
    return agent(plan, probe)
      .split('\n')
      .flatMap((line) => {
        const { observation: o } = JSON.parse(line) as { observation?: Observation };
        if (!o) return [line];
        const changed = change(o, checks.get(o.id.split('@')[0]!));
        return changed ? [JSON.stringify({ type: 'observation', observation: changed })] : [];
      })
      .join('\n');
  };
}

/** Each rule, the deployment that makes it decide, and the code it gives. */
const CASES: { rule: Rule; code: VerdictCode; what: string; setUp: (d: DrillDeployment, runId: string) => void }[] = [
  {
    rule: 'probeFailed',
    code: 'probe-failed',
    what: 'the probe did not start',
    setUp: (d, runId) =>
      d.engine.faults.set(`containers.create dockprobe-${runId}-1`, new Error('no space left on device')),
  },
  {
    rule: 'unfinished',
    code: 'check-unfinished',
    what: "the probe never reported its check of PostgreSQL's address",
    setUp: (d) => rewrite(d, (o, c) => (c?.kind === 'tcp' && c.host === POSTGRES ? undefined : o)),
  },
  {
    rule: 'controlFailed',
    code: 'reach-control-failed',
    what: 'no connection answered, its peers included: the reach control failed',
    setUp: (d) =>
      rewrite(d, (o, c) =>
        c?.kind === 'tcp' ? { ...o, outcome: 'timeout', address: c.host, port: c.port, errorCode: 'ETIMEDOUT' } : o,
      ),
  },
  {
    rule: 'worldChanged',
    code: 'world-changed',
    what: 'PostgreSQL stopped while the probe ran',
    setUp: (d) => {
      const agent = d.engine.containers.agent!;
      d.engine.containers.agent = (plan, probe) => {
        const lines = agent(plan, probe);
        Object.assign(d.postgres, { state: 'exited', running: false });
        return lines;
      };
    },
  },
];

for (const { rule, code, what, setUp } of CASES) {
  t.test(`${rule}: ${what}: ${code} from test, snapshot and drill, decided by failClosed.${rule}`, async (t) => {
    const real = failClosed[rule];
    t.teardown(() => {
      Object.assign(failClosed, { [rule]: real });
    });
    const said: string[] = [];
    // The rule as it is, noting what it decided: the front ends say what it said.
    Object.assign(failClosed, {
      [rule]: (...args: unknown[]) => {
        const out = (real as (...a: unknown[]) => unknown)(...args);
        const decided = rule === 'probeFailed' ? (out as { failed?: { code: string } }).failed : out;
        if (decided) said.push((decided as { code: string }).code);
        return out;
      },
    });
    t.same(await frontEnds(setUp), { test: code, snapshot: code, drill: code });
    t.ok(said.includes(code), `failClosed.${rule} decided ${code}`);

    // The rule made to answer `unclassified`: every front end follows it.
    Object.assign(failClosed, {
      [rule]: (...args: unknown[]) => {
        const out = (real as (...a: unknown[]) => unknown)(...args);
        if (rule === 'probeFailed') {
          const failed = (out as { failed?: object }).failed;
          return failed ? { failed: { ...failed, code: 'unclassified' } } : out;
        }
        return out && { ...(out as object), code: 'unclassified' };
      },
    });
    t.same(await frontEnds(setUp), { test: 'unclassified', snapshot: 'unclassified', drill: 'unclassified' });
  });
}
