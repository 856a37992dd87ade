import t from 'tap';
import { VERDICT_CODES } from '../../src/checks/verdict-codes.js';
import { docsPage } from '../fixtures/docs-table.js';

// The table of reason codes in docs/codes.md is the users' reference: every code is in it, with the meaning the
// code gives.
t.test('docs/codes.md documents every verdict code, and no other', async (t) => {
  const page = await docsPage('docs/codes.md');
  const start = page.indexOf('\n## Reason codes\n');
  t.not(start, -1, 'docs/codes.md has the section');
  const table = page.slice(start, page.indexOf('\n#', start + 1));
  const documented = [...table.matchAll(/^\| `([a-z0-9-]+)` \| (.+) \|$/gm)].map((m) => [m[1]!, m[2]!] as const);
  t.same(documented.map(([code]) => code).sort(), Object.keys(VERDICT_CODES).sort());
  for (const [code, meaning] of documented) t.equal(meaning, VERDICT_CODES[code as keyof typeof VERDICT_CODES], code);
});
