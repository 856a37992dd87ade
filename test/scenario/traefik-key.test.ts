import t from 'tap';
import { problemsOf } from '../fixtures/scenario-problems.js';
import { applyOverrides } from '../../src/scenario/apply-overrides.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { scenarioJsonSchema } from '../../src/scenario/scenario-schema.js';

// The `traefik:` key: `{}` finds the proxy, `{ proxy: NAME }` names it; a bad value is refused at its position.

const body = 'expect:\n  - from: { network: n }\n    to: [a:1]\n    reachable: true\n';

t.test("traefik: {} finds the proxy; { proxy } names it; the project and timeout are the scenario's", async (t) => {
  const found = parseScenario(`project: shop\ntimeout: 3s\ntraefik: {}\n${body}`, 'f.yml');
  t.same(found.traefik, {
    proxy: undefined,
    project: 'shop',
    timeoutMs: 3000,
    retries: 0,
    position: { file: 'f.yml', line: 3, col: 10 },
  });
  const named = parseScenario(`project: shop\ntraefik: { proxy: reverse-proxy, project: infra }\n${body}`, 'f.yml');
  t.match(named.traefik, { proxy: 'reverse-proxy', project: 'infra' });
  t.equal(parseScenario(`project: shop\n${body}`, 'f.yml').traefik, undefined, 'no key, no check');
});

t.test('a bad value is an error at its position, naming the key and what it got, with a hint', async (t) => {
  const [scalar] = problemsOf(`project: p\ntraefik: yes\n${body}`);
  t.match(scalar, {
    line: 2,
    col: 10,
    message: '\'traefik\' must be an object, got string "yes"',
    hint: /traefik: \{\} finds the proxy by its image; traefik: \{ proxy: reverse-proxy \}/,
  });
  const [empty] = problemsOf(`project: p\ntraefik:\n${body}`);
  t.match(
    empty,
    { line: 2, message: "'traefik' must be an object, got null" },
    'a bare key is not {}: the file says what it means',
  );
  const [unknown] = problemsOf(`project: p\ntraefik: { proxi: reverse-proxy }\n${body}`);
  t.match(unknown, {
    line: 2,
    col: 12,
    message: "unknown key 'proxi' in 'traefik'",
    hint: "did you mean 'proxy'? allowed keys: proxy, project",
  });
  const [number] = problemsOf(`project: p\ntraefik: { proxy: 3 }\n${body}`);
  t.match(number, { line: 2, col: 19, message: "'traefik.proxy' must be a string, got number 3" });
  const [blank] = problemsOf(`project: p\ntraefik: { proxy: "" }\n${body}`);
  t.match(blank, { line: 2, col: 19, message: /'traefik.proxy' is too small/ });
});

t.test('--project, --timeout and --retries reach the Traefik check as they reach every expectation', async (t) => {
  const s = parseScenario(`project: shop\ntraefik: { proxy: edge }\n${body}`, 'f.yml');
  t.match(applyOverrides(s, { project: 'staging', timeoutMs: 500, retries: 2 }).traefik, {
    proxy: 'edge',
    project: 'staging',
    timeoutMs: 500,
    retries: 2,
  });
  t.equal(applyOverrides(parseScenario(`project: shop\n${body}`, 'f.yml'), { project: 'staging' }).traefik, undefined);
});

t.test('the JSON Schema for editors has the key, from zod', async (t) => {
  const schema = scenarioJsonSchema() as {
    properties: Record<string, { properties?: Record<string, unknown>; additionalProperties?: boolean }>;
  };
  t.ok(schema.properties['traefik'], 'traefik is a property of the file');
  t.same(Object.keys(schema.properties['traefik']!.properties ?? {}), ['proxy', 'project']);
  t.equal(schema.properties['traefik']!.additionalProperties, false);
});
