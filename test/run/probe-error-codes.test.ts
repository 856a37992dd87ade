import t from 'tap';
import { PROBE_ERROR_CODES } from '../../src/run/probe-result.js';
import { docsTable } from '../fixtures/docs-table.js';

// The table of probe failure codes in docs/codes.md is the users' reference, as the verdict codes' is: a code added to the
// union without its row (or a row left after its code) fails here.
t.test('docs/codes.md documents every probe failure code, and no other', async (t) => {
  const rows = await docsTable('docs/codes.md', '## Probe failure codes');
  if (!rows) return t.fail('docs/codes.md has the section');
  t.same(rows.map(([code]) => code).sort(), Object.keys(PROBE_ERROR_CODES).sort());
  for (const [code, meaning] of rows) t.equal(meaning, PROBE_ERROR_CODES[code as keyof typeof PROBE_ERROR_CODES], code);
});
