import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { STATIC_FINDING_CODES } from '../../src/rules/static-findings.js';

// The README's table of finding codes is the users' reference, as the reason codes' is (test/judge/verdict-codes.test.ts).
t.test('the README documents every finding code, and no other', async (t) => {
  const readme = await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Finding codes');
  t.not(start, -1, 'the README has the section');
  const table = readme.slice(start, readme.indexOf('\n#', start + 1));
  const documented = [...table.matchAll(/^\| `([a-z0-9-]+)` \| (.+) \|$/gm)].map((m) => [m[1]!, m[2]!] as const);
  t.same(documented.map(([code]) => code).sort(), Object.keys(STATIC_FINDING_CODES).sort());
  for (const [code, meaning] of documented)
    t.equal(meaning, STATIC_FINDING_CODES[code as keyof typeof STATIC_FINDING_CODES], code);
});
