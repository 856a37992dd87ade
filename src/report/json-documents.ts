import type { ChaosResult } from '../chaos/chaos-result.js';
import type { Baseline } from '../baseline/baseline.js';
import type { DriftReport } from '../baseline/drift-report.js';
import type { DrillResult } from '../drill/drill-result.js';
import type { NetworksJson } from '../networks/json-networks-report.js';
import type { RunResult } from '../run-result.js';
import type { WatchEvent } from '../watch/watch-event.js';
import type { Envelope } from './json-envelope.js';

// Each JSON document dockprobe writes, as the type its JSON Schema (schemas/<format>.schema.json) is generated from
// (scripts/build-schemas.mjs): the schema cannot say other than the type the writer is checked against.

/** `test --format json`, `--json FILE`, `demo --format json`. */
export type ReportDocument = Envelope<'dockprobe-report'> & RunResult;
/** `drill --format json`. */
export type DrillDocument = Envelope<'dockprobe-drill'> & DrillResult;
/** `snapshot --write FILE`, `drill --write-baseline FILE`. */
export type BaselineDocument = Baseline;
/** `test --baseline FILE --format json`, `drill --baseline FILE --format json`. */
export type DriftDocument = Envelope<'dockprobe-drift'> & DriftReport;
/** `networks --format json`. */
export type NetworksDocument = Envelope<'dockprobe-networks'> & NetworksJson;
/** `watch --format json`: one document per line. */
export type WatchEventDocument = Envelope<'dockprobe-watch-event'> & WatchEvent;
/** `chaos --format json`, `--json FILE`. */
export type ChaosDocument = Envelope<'dockprobe-chaos'> & ChaosResult;
