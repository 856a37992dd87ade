import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { VERDICT_CODES } from '../../src/checks/verdict-codes.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';

// The README's table of reason codes is the users' reference: every code is in it, with the meaning the code gives.
t.test('the README documents every verdict code, and no other', async (t) => {
  const readme = await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Reason codes');
  const table = readme.slice(start, readme.indexOf('\n#', start + 1));
  const documented = [...table.matchAll(/^\| `([a-z0-9-]+)` \| (.+) \|$/gm)].map((m) => [m[1]!, m[2]!] as const);
  t.same(documented.map(([code]) => code).sort(), Object.keys(VERDICT_CODES).sort());
  for (const [code, meaning] of documented) t.equal(meaning, VERDICT_CODES[code as keyof typeof VERDICT_CODES], code);
});
