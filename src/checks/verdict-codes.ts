import type { VerdictCode } from '../judge/verdict.js';
import { CHECK_KINDS } from './check-kinds.js';
import type { CodeEntry } from './code-table.js';
import { FAIL_CLOSED_CODES, OUTCOME_CODES, PRECONDITION_CODES } from './shared-codes.js';

/** Every verdict code with its entry: the shared ones, then each kind's own, in the registry's order. */
export const CODE_TABLE: Readonly<Record<VerdictCode, CodeEntry>> = Object.assign(
  {},
  OUTCOME_CODES,
  PRECONDITION_CODES,
  FAIL_CLOSED_CODES,
  ...Object.values(CHECK_KINDS).map((kind) => kind.codes),
);

/**
 * Every verdict code and what it means: the users' reference (docs/codes.md's reason codes table is this table; a test
 * keeps them equal), built from the kinds' tables and the shared ones.
 */
export const VERDICT_CODES: Readonly<Record<VerdictCode, string>> = Object.fromEntries(
  Object.entries(CODE_TABLE).map(([code, entry]) => [code, entry.meaning]),
) as Record<VerdictCode, string>;
