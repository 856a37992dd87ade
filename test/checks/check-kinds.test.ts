import t from 'tap';
import { CHECK_KINDS, KINDS } from '../../src/checks/check-kinds.js';
import type { CodeEntry } from '../../src/checks/code-table.js';
import { FAIL_CLOSED_CODES, OUTCOME_CODES, PRECONDITION_CODES } from '../../src/checks/shared-codes.js';
import { VERDICT_CODES } from '../../src/checks/verdict-codes.js';
import type { Placement } from '../../src/plan/placement.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { docsTable } from '../fixtures/docs-table.js';

// The registry is the one list of the kinds of check: the cells table of docs/dev/architecture.md says what it
// says, every code is declared once, every kind is planned some way, and no (placement, target) pair is two kinds' at once.

/** How a kind's cells are made, as the docs' table says it. */
function madeFrom(kind: (typeof KINDS)[number]): string {
  return [
    ...(kind.fromTarget ? ["a scenario's target"] : []),
    ...(kind.fromKey ? ['`traefik:`'] : []),
    ...(kind.listed ? ['a drill'] : []),
  ].join(', ');
}

t.test("the docs' cells table is the registry: each kind, what it proves, what makes it", async (t) => {
  const rows = await docsTable('docs/dev/architecture.md', '## Kinds of check');
  t.same(
    rows,
    KINDS.map((kind) => [kind.kind, kind.proves, madeFrom(kind)]),
  );
});

t.test('every code is declared once, with its meaning and its baseline class', async (t) => {
  const tables = [OUTCOME_CODES, PRECONDITION_CODES, FAIL_CLOSED_CODES, ...KINDS.map((kind) => kind.codes)];
  const declared = tables.flatMap((table) => Object.keys(table));
  t.same(
    declared.filter((code, i) => declared.indexOf(code) !== i),
    [],
    'no code in two tables',
  );
  t.same(declared.sort(), Object.keys(VERDICT_CODES).sort(), 'VERDICT_CODES is every table');
  for (const table of tables)
    for (const [code, entry] of Object.entries<CodeEntry>(table)) {
      t.ok(entry.meaning.length > 0, `${code}: a meaning`);
      t.ok(['open', 'closed', 'unknown'].includes(entry.path), `${code}: a class`);
    }
});

t.test('every kind is planned some way, and is listed under its own name', async (t) => {
  t.same(
    KINDS.map((kind) => kind.kind),
    Object.keys(CHECK_KINDS),
  );
  for (const kind of KINDS) t.ok(madeFrom(kind) !== '', `${kind.kind}: from a target, a key of its own, or a drill`);
});

t.test('each (placement, target) pair is one kind of check at most', async (t) => {
  const targets = parseScenario(
    `project: ref\ntimeout: 1s\nexpect:\n  - from: { network: public-facing }\n    to: [redis:6379, 'example.com:443', 'http://api:3001/', 'http://example.com/', 'dns:redis', 'dns:example.com', internet, 'udp://redis:514', 'udp://10.0.0.9:53']\n    reachable: false\n`,
    's.yml',
  ).expectations[0]!.to;
  const placements: Placement['kind'][] = ['host', 'lan', 'network', 'container', 'job'];
  for (const placement of placements)
    for (const target of targets) {
      const takers = KINDS.filter((kind) => kind.fromTarget?.takes(placement, target) !== undefined);
      t.ok(takers.length <= 1, `${placement} → ${target.label}: ${takers.map((k) => k.kind).join(', ') || 'none'}`);
    }
});
