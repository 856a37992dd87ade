import t from 'tap';
import { AGENT_ERROR_CODES } from '../../probes/agent/protocol.js';
import { AGENT_ERROR_MEANINGS } from '../../src/run/agent-error-meanings.js';
import { docsTable } from '../fixtures/docs-table.js';

// The agent's closed list, its meanings and the table in docs/codes.md are one list: the parser refuses what is not on it,
// so a code the agent gives without a row here would be a code the users cannot look up.
t.test('docs/codes.md documents every agent observation code, and no other', async (t) => {
  t.same(Object.keys(AGENT_ERROR_MEANINGS).sort(), [...AGENT_ERROR_CODES].sort(), 'a meaning for every code');
  const rows = await docsTable('docs/codes.md', '## Agent observation codes');
  if (!rows) return t.fail('docs/codes.md has the section');
  t.same(
    rows.map(([code]) => code),
    [...AGENT_ERROR_CODES],
    'in the order of the list',
  );
  for (const [code, meaning] of rows)
    t.equal(meaning, AGENT_ERROR_MEANINGS[code as keyof typeof AGENT_ERROR_MEANINGS], code);
});
