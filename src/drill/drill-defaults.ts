// A drill's defaults, apart from the pipeline so the command line's help can print them without loading it.

/**
 * A drill's per-check timeout unless `--timeout` says otherwise: shorter than a scenario's 2 s, since most of a
 * drill's checks get no answer and each waits it out, and a container on a local bridge answers within milliseconds.
 */
export const DRILL_TIMEOUT_MS = 1000;
/**
 * Checks a drill probe has in flight at once unless `--concurrency` says otherwise. Above a scenario's 32: a drill's
 * checks are connections to addresses, nearly all silent, and the DNS lookups that made 32 the default are spread
 * among them (a few hundred lookups at once once lost answers in the embedded DNS; here at most one check in every
 * address's run of ports is one).
 */
export const DRILL_CONCURRENCY = 128;
/** Probes running at once unless `--probes` says otherwise: `--all` on a hundred services starts no hundred nodes. */
export const DRILL_PROBES_AT_ONCE = 16;
/** The most checks one probe may have unless `--max-checks` says otherwise: 100 containers on 28 ports fit. */
export const DRILL_MAX_CHECKS = 10_000;
