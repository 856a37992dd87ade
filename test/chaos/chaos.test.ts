import t from 'tap';
import { prettyChaosReport } from '../../src/chaos/pretty-chaos-report.js';
import { colors } from '../../src/report/colors.js';
import { chaosExitCode } from '../../src/chaos/chaos-result.js';
import type { Fault } from '../../src/chaos/fault.js';
import { envelope, jsonText } from '../../src/report/json-envelope.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import {
  connectPostgres,
  DRILLS,
  disconnectPostgres,
  drill,
  fault,
  left,
  removeLockDir,
} from '../fixtures/chaos-drill.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';
import { documentErrors } from '../fixtures/json-documents.js';

// A chaos drill on the fake engine (its warm probes run the real warm agent in this process, answered as the
// deployment's networks would), with faults of the test's own that change the fake deployment: a breach window
// opened by the fault and closed by the restore; a fault that changes nothing; a restore that fails (the loudest
// outcome); a fault left in place (not back); a baseline that is not steady (no fault applied); nothing left behind.

t.teardown(removeLockDir);

t.test('a breach the fault opens and the restore closes: opened for N ms, back, exit 1', async (t) => {
  const d = drillDeployment();
  const result = (await DRILLS.breach(d))!;
  const postgres = result.cells.find((c) => c.target === 'postgres:5432')!;
  t.match(postgres, { outcome: 'opened', before: 'pass', afterRecovery: 'fail', afterRestore: 'pass', back: true });
  t.ok(postgres.openedMs > 0, `opened for ${postgres.openedMs} ms`);
  t.match(postgres.spans[0], { state: 'opened', firstEvidence: /^fail /, lastEvidence: /^fail / });
  t.match(
    result.cells.find((c) => c.target === 'api:3001'),
    { outcome: 'held', back: true },
  );
  t.equal(result.outcome, 'breach');
  t.equal(chaosExitCode(result.outcome), 1);
  t.equal(result.recoveredAfterMs, undefined, 'the fake engine does not recover by itself');
  t.ok(result.restoredAfterMs !== undefined, 'back after the restore');
  t.same(
    result.rounds.map((r) => r.phase).filter((p, i, all) => all[i - 1] !== p),
    ['baseline', 'fault', 'recovery', 'restored'],
  );
  t.same(documentErrors('dockprobe-chaos', JSON.parse(jsonText(envelope('dockprobe-chaos', result)))), []);
  const pretty = prettyChaosReport(result, colors(false));
  t.match(
    pretty,
    /^ {2}OPENED for \d+ ms network public → postgres:5432 \(expected blocked, was pass\): after the engine's own recovery FAIL, after the restore pass$/m,
  );
  t.match(pretty, /\nbreach: opened during the fault: network public → postgres:5432/);
  t.same(await left(d), [], 'no probe left');
});

t.test('a fault that changes nothing: every cell held, exit 0', async (t) => {
  const d = drillDeployment();
  const result = (await DRILLS.nothing(d))!;
  t.equal(result.outcome, 'held', result.reason);
  t.same(result.summary, { cells: 2, held: 2, opened: 0, closed: 0, unknown: 0, notBack: 0 });
  t.ok(result.recoveredAfterMs !== undefined);
  t.equal(chaosExitCode(result.outcome), 0);
});

t.test('a restore that fails is the loudest outcome, exit 3, and the cell is not back', async (t) => {
  const d = drillDeployment();
  const result = (await DRILLS.restoreFails(d))!;
  t.match(result.fault.restore, { status: 'failed', detail: 'the saved rules could not be loaded' });
  t.equal(result.outcome, 'restore-failed');
  t.match(result.reason, /^THE RESTORE FAILED/);
  t.match(prettyChaosReport(result, colors(false)), /^THE RESTORE FAILED: the saved rules could not be loaded\n/);
  t.equal(chaosExitCode(result.outcome), 3);
  t.match(
    result.cells.find((c) => c.target === 'postgres:5432'),
    { back: false, afterRestore: 'fail' },
  );
});

t.test('a restore that does not undo the fault: not back, exit 1', async (t) => {
  const d = drillDeployment();
  const result = (await drill(
    d,
    fault(
      () => connectPostgres(d),
      () => undefined,
    ),
    { deadlineMs: 500 },
  ))!;
  t.equal(result.outcome, 'breach');
  t.match(
    result.cells.find((c) => c.target === 'postgres:5432'),
    { back: false },
  );
  t.equal(result.restoredAfterMs, undefined);
});

t.test('a baseline that is not steady: no fault applied, exit 3', async (t) => {
  const d = drillDeployment();
  let applied = false;
  // The database joins the public zone between the baseline rounds: the verdicts before the fault disagree.
  let rounds = 0;
  const listed = d.engine.containers.list.bind(d.engine.containers);
  d.engine.containers.list = async (...args) => {
    if (++rounds === 4) connectPostgres(d);
    return listed(...args);
  };
  const result = (await drill(
    d,
    fault(
      () => {
        applied = true;
      },
      () => undefined,
    ),
    { baselineRounds: 3 },
  ))!;
  t.equal(result.outcome, 'baseline-unstable', result.reason);
  t.notOk(applied, 'the fault was not applied');
  t.equal(result.fault.restore.status, 'not-applied');
  t.equal(chaosExitCode(result.outcome), 3);
});

t.test('answered no: nothing created, nothing applied', async (t) => {
  const d = drillDeployment();
  let applied = false;
  const f = fault(
    () => {
      applied = true;
    },
    () => undefined,
  );
  const result = await drill(d, f, {
    confirm: async (plan) => {
      t.equal(plan, 'a fault of the test');
      return false;
    },
  });
  t.equal(result, undefined);
  t.notOk(applied);
  t.same(await left(d), []);
});

t.test('the engine not answering during the fault: its cells unknown for the outage, never blocked', async (t) => {
  const d = drillDeployment();
  let down = false;
  const refuse = () => {
    if (down) throw new Error('connect ECONNREFUSED /var/run/docker.sock');
  };
  const info = d.engine.system.info.bind(d.engine.system);
  d.engine.system.info = async () => {
    refuse();
    return info();
  };
  const listed = d.engine.containers.list.bind(d.engine.containers);
  d.engine.containers.list = async (...args) => {
    refuse();
    return listed(...args);
  };
  const f: Fault = {
    spec: { kind: 'restart-engine' },
    plan: 'the engine down for a while',
    apply: async () => {
      down = true;
      await new Promise((r) => setTimeout(r, 800));
      down = false;
      return 'restarted';
    },
    restore: async () => ({ status: 'nothing-to-restore', detail: 'the engine answers' }),
  };
  const result = (await drill(d, f, { deadlineMs: 5_000 }))!;
  const outage = result.rounds.filter((r) => r.error?.includes('the engine did not answer for'));
  t.ok(outage.length > 0, 'a round waited for the engine');
  t.ok(outage.length <= 2, `the loop waits for the engine rather than spin (${outage.length} rounds)`);
  const postgres = result.cells.find((c) => c.target === 'postgres:5432')!;
  t.match(postgres, { outcome: 'unknown', back: true });
  t.ok(
    postgres.spans.some((s) => s.codes.includes('engine-down') && s.durationMs >= 500),
    `unknown for the outage: ${JSON.stringify(postgres.spans.map((s) => [s.state, s.durationMs, s.codes]))}`,
  );
  t.notOk(
    postgres.spans.some((s) => s.state !== 'unknown'),
    'never judged while the engine did not answer',
  );
  t.equal(result.outcome, 'inconclusive', result.reason);
  t.same(await left(d), [], 'no probe left');
});

t.test(
  'Ctrl-C during the fault (the CLI runs its cleanup stack): the restore first, while the probes are there, then the probes',
  async (t) => {
    const d = drillDeployment();
    const stack = new CleanupStack();
    const order: string[] = [];
    let applied!: () => void;
    const isApplied = new Promise<void>((resolve) => {
      applied = resolve;
    });
    const f = fault(
      () => {
        connectPostgres(d);
        applied();
      },
      async () => {
        order.push(`restore with ${(await left(d)).length} probes running`);
        disconnectPostgres(d);
      },
    );
    const running = drill(d, f, { cleanup: stack, deadlineMs: 5_000 });
    await isApplied;
    t.same(await stack.runAll(), [], 'every step of the stack done');
    order.push(`then ${(await left(d)).length} probes`);
    t.match(order, [/^restore with [1-9]\d* probes running$/, 'then 0 probes']);
    await running.catch(() => undefined);
    t.same(await left(d), [], 'nothing left');
  },
);
