import type { ListedCell } from '../cell-base.js';
import type { CodeTable } from '../code-table.js';

/** A drill's lookup of a service's name through the source's DNS: whether it resolves there. */
export interface NameCell extends ListedCell {
  kind: 'name';
  name: string;
  /** Where the source's DNS forwards a name it holds no record of (ProbeBuilder.unknownNamesForwarded); undefined where it stays. */
  namesForwarded?: string | undefined;
}

/** The codes a name cell gives of its own (beside the shared ones: checks/shared-codes.ts). */
// A name that resolves, does not (forwarded upstream or not), or fails oddly: resolved, not-resolved,
// name-forwarded-upstream, unclassified, all shared.
export const NAME_CODES = {} as const satisfies CodeTable;
