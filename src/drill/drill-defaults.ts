// A drill's defaults, apart from the pipeline so the command line's help can print them without loading it.

/**
 * A drill's per-check timeout unless `--timeout` says otherwise: shorter than a scenario's 2 s, since most of a
 * drill's checks get no answer and each waits it out, and a container on a local bridge answers within milliseconds.
 */
export const DRILL_TIMEOUT_MS = 1000;
/**
 * Checks a drill probe has in flight at once besides its connects by address unless `--concurrency` says otherwise:
 * its name lookups (each probe's share of `--lookup-concurrency` among the probes running at once bounds them again),
 * UDP sends, HTTP. The protocol's default, as a scenario's.
 */
export const DRILL_CONCURRENCY = 32;
/**
 * Connects by address a drill probe has in flight at once unless `--connect-concurrency` says otherwise. Nearly all
 * of a drill's checks are connects to addresses of networks the source is not on, each silent until its timeout: a
 * socket and a timer each. Bounded by what a small, busy machine bears: on 2 cores under load, 256 made a drill of
 * 287,200 checks 1.7× faster, but the probes coming and going faster left one probe's DNS control unanswered in two
 * runs of three (its name rows inconclusive); 128 kept every row (docs/dev/benchmarks.md).
 */
export const DRILL_CONNECT_CONCURRENCY = 128;
/**
 * DNS queries in flight across the probes running at once unless `--lookup-concurrency` says otherwise, shared out
 * evenly among them. Below a scenario's 320: a drill looks up every service's name from every source, most of them
 * names the source's networks do not serve, which the engine's DNS forwards upstream; 320 at once from 16 probes
 * left trixie's dockerd (26.1) unanswering, the probes' DNS controls with it (1,346 rows inconclusive of 287,200).
 */
export const DRILL_LOOKUP_CONCURRENCY = 64;
/** Probes running at once unless `--probes` says otherwise: `--all` on a hundred services starts no hundred nodes. */
export const DRILL_PROBES_AT_ONCE = 16;
/** The most checks one probe may have unless `--max-checks` says otherwise: 100 containers on 28 ports fit. */
export const DRILL_MAX_CHECKS = 10_000;
