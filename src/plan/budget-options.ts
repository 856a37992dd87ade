import type { PlanOptions } from './build-plan.js';

/** The budget per kind of check: how many checks of each kind a run's probes have in flight. */
export type BudgetOptions = Pick<PlanOptions, 'concurrency' | 'connectConcurrency' | 'lookupConcurrency'>;

/** The budget of a front end's options, as planning takes it: only what was given (the protocol's defaults else). */
export function budgetOptions(options: {
  concurrency?: number | undefined;
  connectConcurrency?: number | undefined;
  lookupConcurrency?: number | undefined;
}): BudgetOptions {
  return {
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.connectConcurrency ? { connectConcurrency: options.connectConcurrency } : {}),
    ...(options.lookupConcurrency ? { lookupConcurrency: options.lookupConcurrency } : {}),
  };
}
