import t from 'tap';
import { STATIC_FINDING_CODES } from '../../src/rules/static-findings.js';
import { docsPage } from '../fixtures/docs-table.js';

// The table of finding codes in docs/codes.md is the users' reference, as the reason codes' is
// (test/judge/verdict-codes.test.ts).
t.test('docs/codes.md documents every finding code, and no other', async (t) => {
  const page = await docsPage('docs/codes.md');
  const start = page.indexOf('\n## Finding codes\n');
  t.not(start, -1, 'docs/codes.md has the section');
  const table = page.slice(start, page.indexOf('\n#', start + 1));
  const documented = [...table.matchAll(/^\| `([a-z0-9-]+)` \| (.+) \|$/gm)].map((m) => [m[1]!, m[2]!] as const);
  t.same(documented.map(([code]) => code).sort(), Object.keys(STATIC_FINDING_CODES).sort());
  for (const [code, meaning] of documented)
    t.equal(meaning, STATIC_FINDING_CODES[code as keyof typeof STATIC_FINDING_CODES], code);
});
