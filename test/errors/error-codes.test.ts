import t from 'tap';
import { ERROR_CODE_MEANINGS, ErrorCodes, errorExitFamily, type ErrorCode } from '../../src/errors/dockprobe-error.js';
import { docsTable } from '../fixtures/docs-table.js';

// The table of error codes in docs/codes.md gives each code's meaning and the exit code it ends the process with.
t.test('docs/codes.md documents every error code with its exit family, and no other', async (t) => {
  const rows = await docsTable('docs/codes.md', '## Error codes');
  if (!rows) return t.fail('docs/codes.md has the section');
  t.same(rows.map(([code]) => code).sort(), Object.values(ErrorCodes).sort());
  for (const [code, meaning, exit] of rows) {
    t.equal(meaning, ERROR_CODE_MEANINGS[code as ErrorCode], `${code}: meaning`);
    t.equal(Number(exit), errorExitFamily(code as ErrorCode), `${code}: exit`);
  }
});
