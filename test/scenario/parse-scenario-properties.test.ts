import fc from 'fast-check';
import t from 'tap';
import { ScenarioError } from '../../src/errors/scenario-error.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';

// Any input gives a scenario or a ScenarioError (exit 2) whose every problem has a position: never another error.
// Inputs are bounded in size (and the parser in aliases and bytes), so no case can take long; timings belong in the
// benchmark, not here.

function parsesOrExplains(text: string): boolean {
  try {
    parseScenario(text, 'p.yml');
    return true;
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return (
      error.problems.length > 0 &&
      error.problems.every(
        (p) =>
          p.file === 'p.yml' &&
          Number.isInteger(p.line) &&
          p.line >= 1 &&
          Number.isInteger(p.col) &&
          p.col >= 1 &&
          p.message.length > 0,
      )
    );
  }
}

// Pieces that make scenario-like YAML: real keys, values of the wrong types, anchors, aliases, odd characters.
const word = fc.constantFrom(
  'project',
  'timeout',
  'expect',
  'from',
  'to',
  'reachable',
  'network',
  'service',
  'host',
  'internet',
  'name',
  'url',
  'status',
  'port',
  'dns',
  'redis:6379',
  'http://api:3001/',
  '1s',
  '0.0001ms',
  '99999m',
  'true',
  'maybe',
  '65536',
  '-1',
  '&a',
  '*a',
  '<<',
  '~',
  '"',
  "'",
  '\u0007',
  '\u001b[2J',
  '{',
  '}',
  '[',
  ']',
  ',',
  '- ',
  ': ',
  '\n',
  '  ',
  '#',
);
const yamlish = fc.array(word, { maxLength: 60 }).map((parts) => parts.join(''));
const entry = fc.record({
  from: fc.oneof(
    fc.constant('host'),
    fc.record({ network: fc.string({ maxLength: 12 }) }),
    fc.record({ service: fc.string({ maxLength: 12 }) }),
    fc.integer(),
  ),
  to: fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.array(
      fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.record({ url: fc.string(), status: fc.integer() })),
      { maxLength: 4 },
    ),
  ),
  reachable: fc.oneof(fc.boolean(), fc.string({ maxLength: 4 }), fc.integer()),
  timeout: fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { nil: undefined }),
});
const structured = fc
  .record({
    project: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    expect: fc.array(entry, { maxLength: 5 }),
  })
  .map((o) => JSON.stringify(o));

t.test('random YAML-like text: a scenario, or exit 2 with positions', async (t) => {
  fc.assert(fc.property(yamlish, parsesOrExplains), { numRuns: 400 });
  t.pass('400 random texts');
});

t.test('scenario-shaped documents with values of any type: a scenario, or exit 2 with positions', async (t) => {
  fc.assert(fc.property(structured, parsesOrExplains), { numRuns: 400 });
  t.pass('400 random documents');
});

t.test('nested aliases of any depth: refused with a position, never expanded', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 9 }), (depth, width) => {
      const lines = [`l0: &l0 [${Array(width).fill('"x"').join(',')}]`];
      for (let i = 1; i < depth; i++)
        lines.push(
          `l${i}: &l${i} [${Array(width)
            .fill(`*l${i - 1}`)
            .join(',')}]`,
        );
      return parsesOrExplains(`${lines.join('\n')}\nexpect: []\n`);
    }),
    { numRuns: 60 },
  );
  t.pass('alias trees up to 9^12');
});
