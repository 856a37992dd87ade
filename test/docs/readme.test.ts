import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { PACKAGE_ROOT } from '../../src/package-paths.js';

// The README is what a newcomer follows: its two commands for a fresh machine are the ones CI runs, and its sample
// output fits a 100-column terminal as the report does.

const readme = await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8');

t.test("the README's test command is the one .ci/run runs, and its demo command is there", async (t) => {
  const ci = await readFile(join(PACKAGE_ROOT, '.ci/run'), 'utf8');
  // The command itself, without the log plumbing after it (`2>&1 | tee …`).
  const command = /^(bash scripts\/ensure-docker\.sh && [^|]*?)(?: 2>&1)? \|/m.exec(ci)?.[1];
  t.ok(command, '.ci/run runs the test command');
  t.ok(command && readme.includes(`\n${command}\n`), 'the README has it on a line of its own');
  t.match(readme, /\nbash scripts\/ensure-docker\.sh && npm ci && npx dockprobe demo\n/);
});

t.test("the README's sample output is under 100 columns, and the README stays short", async (t) => {
  const sample = /\n```\n(┌[\s\S]*?)\n```\n/.exec(readme)?.[1];
  t.ok(sample, 'the README shows a report');
  const wide = (sample ?? '').split('\n').filter((line) => line.length >= 100);
  t.same(wide, [], 'no line of 100 columns or more');
  t.ok(readme.split('\n').length <= 160, `${readme.split('\n').length} lines`);
});
