import t from 'tap';
import { problemsOf } from '../fixtures/scenario-problems.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { scenarioJsonSchema } from '../../src/scenario/scenario-schema.js';

// `project:` names one Compose project or swarm stack, or a list of them; a bad value is an error at its position.

const body =
  'expect:\n  - from: { service: api }\n    to: [db:5432, { service: redis, port: 6379, project: cache }]\n    reachable: false\n';

t.test(
  "one name pins every name at once; a list leaves them for the engine to place; an entry's own project stays",
  async (t) => {
    const one = parseScenario(`project: shop\n${body}`, 'f.yml');
    t.same(one.projects, ['shop']);
    t.same(one.expectations[0]!.from, { kind: 'service', service: 'api', project: 'shop' });
    const list = parseScenario(`project: [glasck, glasck-app]\n${body}`, 'f.yml');
    t.same(list.projects, ['glasck', 'glasck-app']);
    t.same(list.expectations[0]!.from, { kind: 'service', service: 'api', project: undefined });
    t.same(
      list.expectations[0]!.to.map((x) => x.kind !== 'internet' && x.host.kind === 'service' && x.host.project),
      [undefined, 'cache'],
    );
    const block = parseScenario(`project:\n  - glasck\n${body}`, 'f.yml');
    t.same(
      [block.projects, block.expectations[0]!.from],
      [['glasck'], { kind: 'service', service: 'api', project: 'glasck' }],
      'a list of one is one',
    );
    t.same(parseScenario(body, 'f.yml').projects, [], 'none: an empty list');
  },
);

t.test('a bad project is an error at its position, naming the key and what it got', async (t) => {
  t.same(problemsOf(`project: []\n${body}`), [
    {
      file: 'f.yml',
      line: 1,
      col: 10,
      message: "'project' needs at least 1 entry",
      hint: 'project: NAME or project: [NAME, …]: Compose projects or swarm stacks',
    },
  ]);
  t.same(problemsOf(`project: 3\n${body}`), [
    {
      file: 'f.yml',
      line: 1,
      col: 10,
      message: "'project' has the wrong form (got number 3)",
      hint: 'project: NAME or project: [NAME, …]: Compose projects or swarm stacks',
    },
  ]);
  t.match(problemsOf(`project: [a, 3]\n${body}`), [
    { line: 1, col: 14, message: "'project[1]' must be a string, got number 3" },
  ]);
  t.match(problemsOf(`project: [a, ""]\n${body}`), [{ line: 1, col: 14 }]);
  t.same(problemsOf(`project: [infra, app, infra]\n${body}`), [
    {
      file: 'f.yml',
      line: 1,
      col: 23,
      message: "'project' lists 'infra' twice",
      hint: 'name each Compose project or stack once',
    },
  ]);
  t.match(
    problemsOf(`expect:\n  - from: { service: api, project: [a, b] }\n    to: [db:5432]\n    reachable: true\n`),
    [{ line: 2, message: /'expect\[0\]\.from\.project' must be a string/ }],
    "an entry's own project is one name",
  );
});

t.test('the JSON Schema offers a name or a list', async (t) => {
  const schema = scenarioJsonSchema() as { properties: Record<string, { anyOf?: { type: string }[] }> };
  t.same(
    schema.properties['project']?.anyOf?.map((s) => s.type),
    ['string', 'array'],
  );
});
