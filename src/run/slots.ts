import { Slots } from '../../probes/agent/slots.js';

/** At most `limit` of the works given run at once, started in the order given; no limit when undefined. */
export function slots(limit: number | undefined): <T>(work: () => Promise<T>) => Promise<T> {
  if (limit === undefined) return (work) => work();
  const bound = new Slots(limit);
  return (work) => bound.use(work);
}
