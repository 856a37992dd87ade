import type { ListedCell } from '../cell-base.js';
import type { CodeTable } from '../code-table.js';

/** A drill's lookup of a service's name through the source's DNS: whether it resolves there. */
export interface NameCell extends ListedCell {
  kind: 'name';
  name: string;
}

/** The codes a name cell gives of its own (beside the shared ones: checks/shared-codes.ts). */
// A name that resolves, does not, or fails oddly: resolved, not-resolved, unclassified, all shared.
export const NAME_CODES = {} as const satisfies CodeTable;
