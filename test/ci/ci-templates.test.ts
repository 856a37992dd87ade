import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/package-paths.js';

// The CI integrations hold together: each input of the GitHub Action reaches ci/github/entry.sh and is documented,
// each output is one the script writes; the GitLab template keeps the JUnit report where GitLab reads it.
// (test/integration/github-action.test.ts runs the script for real.)

const read = (path: string) => readFileSync(join(PACKAGE_ROOT, path), 'utf8');

interface Step {
  id?: string;
  env?: Record<string, string>;
  run?: string;
}
interface Action {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(read('action.yml')) as Action;
const entry = read('ci/github/entry.sh');
const docs = read('docs/ci.md');
// Inputs the composite's own steps use (setting up Node, installing dockprobe), not the entry script.
const installInputs = new Set(['version', 'dockprobe', 'node-version']);

t.test('action.yml: a composite whose run step passes every input to the entry script', async (t) => {
  t.equal(action.runs.using, 'composite');
  const run = action.runs.steps.find((s) => s.id === 'run');
  t.match(run?.run, /ci\/github\/entry\.sh/);
  for (const name of Object.keys(action.inputs)) {
    if (installInputs.has(name)) continue;
    const variable = `INPUT_${name.toUpperCase().replaceAll('-', '_')}`;
    t.equal(run?.env?.[variable], `\${{ inputs.${name} }}`, `${name} as ${variable}`);
    t.match(entry, new RegExp(`\\$\\{${variable}[:}]`), `entry.sh reads ${variable}`);
  }
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JavaScript one
  t.equal(run?.env?.DOCKPROBE_CLI, '${{ steps.install.outputs.cli }}');
});

t.test('action.yml: every output is one entry.sh writes', async (t) => {
  for (const [name, output] of Object.entries(action.outputs)) {
    t.equal(output.value, `\${{ steps.run.outputs.${name} }}`);
    t.match(entry, new RegExp(`echo "${name}=`), `entry.sh writes ${name}`);
  }
});

t.test('docs/ci.md documents every input and output', async (t) => {
  for (const name of Object.keys(action.inputs)) t.match(docs, new RegExp(`\\| \`${name}\` \\|`), `input ${name}`);
  for (const name of Object.keys(action.outputs)) t.match(docs, new RegExp(`\`${name}\``), `output ${name}`);
});

t.test('the GitLab template: a hidden job with the JUnit report as artifacts:reports:junit', async (t) => {
  const template = parse(read('ci/gitlab/dockprobe.gitlab-ci.yml')) as Record<
    string,
    {
      services: { name: string }[];
      variables: Record<string, string>;
      script: string[];
      artifacts: { when: string; reports: { junit: string } };
    }
  >;
  const job = template['.dockprobe'];
  t.ok(job, 'a hidden job .dockprobe');
  t.equal(job?.artifacts.when, 'always', 'the reports are kept when the job fails');
  t.equal(job?.artifacts.reports.junit, 'dockprobe-junit.xml');
  t.match(job?.script.join('\n'), /--junit dockprobe-junit\.xml/, 'the file dockprobe writes is the one reported');
  t.match(job?.services[0]?.name, /dind/);
  t.equal(job?.variables.DOCKER_HOST, 'tcp://docker:2375');
});
