// The defaults of `dockprobe watch`, in a module of their own so the command line can name them in --help without
// loading the watch.

/**
 * A round every 2 minutes when nothing asks for one. Engine events and firewall changes start rounds within seconds;
 * the interval is for what neither shows (a rule changed where dockprobe cannot read the firewall, a route added on
 * the host, a remote engine's host): such a breach is found within 2 minutes, well inside the 10 minutes the example
 * alert waits for a complete round, at the cost of about one deny timeout of probing per source every 2 minutes.
 */
export const DEFAULT_INTERVAL_MS = 120_000;
/** After an engine event, the quiet time before a round: a `compose up` of twenty services gives one round. */
export const DEFAULT_SETTLE_MS = 2_000;
/** The longest an event waits for its round while more keep coming. */
export const DEFAULT_MAX_DELAY_MS = 10_000;
/**
 * The first wait before a round is tried again when the engine did not answer or the round was incomplete; doubled
 * each time, up to the most.
 */
export const RETRY_FIRST_MS = 1_000;
export const RETRY_MAX_MS = 30_000;
