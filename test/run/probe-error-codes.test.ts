import t from 'tap';
import { PROBE_ERROR_CODES } from '../../src/run/probe-result.js';
import { readmeTable } from '../fixtures/readme-table.js';

// The README's table of probe failure codes is the users' reference, as the verdict codes' is: a code added to the
// union without its row (or a row left after its code) fails here.
t.test('the README documents every probe failure code, and no other', async (t) => {
  const rows = await readmeTable('### Probe failure codes');
  if (!rows) return t.fail('the README has the section');
  t.same(rows.map(([code]) => code).sort(), Object.keys(PROBE_ERROR_CODES).sort());
  for (const [code, meaning] of rows) t.equal(meaning, PROBE_ERROR_CODES[code as keyof typeof PROBE_ERROR_CODES], code);
});
