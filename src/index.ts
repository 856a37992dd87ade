// dockprobe's library API: run scenarios (verify), the demo, cleanup, and the types every stage exchanges.
export { verify, type VerifyOptions } from './verify.js';
export { runDemo, type DemoOptions } from './demo/run-demo.js';
export { drill, type DrillOptions } from './drill/drill.js';
export type { DrillResult, DrillRow, DrillStatus, DrillCode } from './drill/drill-result.js';
export { jsonDrillReport } from './drill/json-drill-report.js';
export { openRun, type RunOptions, type RunSession } from './pipeline/run-session.js';
export { RunTimings, type RunPhase, type PhaseSpan } from './pipeline/run-timings.js';
export { runRound, type Round, type RoundContext } from './pipeline/round.js';
export { coldProbeRunner, type ProbeRunner, type ColdRunnerOptions } from './pipeline/probe-runner.js';
export { NO_PROGRESS, type ProgressSink } from './pipeline/progress-sink.js';
export {
  warmProbeRunner,
  type WarmProbeRunner,
  type WarmRunnerOptions,
  type WarmProbeChange,
} from './pipeline/warm-probe-runner.js';
export { watch, type Watch, type WatchOptions, type LoadedScenarios } from './watch/watch.js';
export type { WatchEvent, WatchRound, Recheck } from './watch/watch-event.js';
export { readWorld, type World, type WorldScope } from './topology/world.js';
export { cleanupLeftovers, type CleanupOptions, type CleanupReport } from './cleanup/cleanup-leftovers.js';
export { CleanupStack, type DeferOptions } from './run/cleanup-stack.js';
export { loadScenario, parseScenario, DEFAULT_TIMEOUT_MS } from './scenario/parse-scenario.js';
export { scenarioJsonSchema } from './scenario/scenario-schema.js';
export type {
  Scenario,
  Expectation,
  Rule,
  RuleKind,
  SourceRef,
  TargetRef,
  HostTarget,
  TcpTarget,
  HttpTarget,
  DnsTarget,
  InternetTarget,
  UdpTarget,
  HostRef,
} from './scenario/scenario.js';
export { expandOnlyRules } from './rules/expand-only-rules.js';
export {
  staticFindings,
  describeFinding,
  STATIC_FINDING_CODES,
  type StaticFinding,
  type StaticFindingCode,
} from './rules/static-findings.js';
export { resolveTopology } from './topology/resolve-topology.js';
export type { Topology, TopologyNetwork, TopologyService } from './topology/topology.js';
export { buildPlan, type PlanOptions } from './plan/build-plan.js';
export type { Plan, ProbeSpec, Controls } from './plan/plan.js';
export type { Placement, LanPlacement } from './plan/placement.js';
export type { Attempt } from './checks/cell-base.js';
export type { Cell, CellOf, DrillCell, Kind } from './checks/cells.js';
export { CHECK_KINDS } from './checks/check-kinds.js';
export type { CheckKind } from './checks/check-kind.js';
export type { ReachCell } from './checks/reach/reach-cell.js';
export type { PublishedCell } from './checks/published/published-cell.js';
export type { EgressCell } from './checks/egress/egress-cell.js';
export type { TraefikRouteCell } from './checks/traefik-route/traefik-route-cell.js';
export type { LanCell } from './checks/lan/lan-cell.js';
export type { PortCell } from './checks/port/port-cell.js';
export type { NameCell } from './checks/name/name-cell.js';
export { Probe, StartedProbe, DEFAULT_PROBE_LIMITS, type ProbeLimits } from './run/probe.js';
export { runProbes } from './run/run-probes.js';
export { PROBE_ERROR_CODES, type ProbeResult, type ProbeErrorCode } from './run/probe-result.js';
export { judge, judgeCells, describeObservation } from './judge/judge.js';
export { failClosed } from './judge/fail-closed.js';
export { verdictOf } from './judge/verdict-of.js';
export { VERDICT_CODES } from './checks/verdict-codes.js';
export type { PathState } from './checks/code-table.js';
export type { Verdict, VerdictStatus, VerdictCode, Evidence, ControlResult, Judgement } from './judge/verdict.js';
export type { RunResult, RunHeader, Summary, ProbeSummary } from './run-result.js';
export { JSON_FORMATS, type JsonFormat, type JsonFormats, type Envelope } from './report/json-envelope.js';
export type {
  ReportDocument,
  DrillDocument,
  BaselineDocument,
  DriftDocument,
  NetworksDocument,
} from './report/json-documents.js';
export { prettyReport } from './report/pretty-report.js';
export { jsonReport } from './report/json-report.js';
export { tapReport } from './report/tap-report.js';
export { junitReport } from './report/junit-report.js';
export { ensureProbeImage, type ProbeImageOptions } from './image/probe-image.js';
export type { Engine } from './docker/engine.js';
export type { SystemClient, EngineInfo } from './docker/system-client.js';
export type {
  ContainerClient,
  ContainerInfo,
  ContainerSpec,
  ContainerExit,
  ContainerNetwork,
  ContainerPort,
} from './docker/container-client.js';
export type { NetworkClient, NetworkInfo, NetworkDetail, NetworkServiceEntry } from './docker/network-client.js';
export type {
  SwarmClient,
  SwarmService,
  SwarmServiceMode,
  SwarmServicePort,
  SwarmTask,
  SwarmNode,
  TaskFilter,
  JobSpec,
  JobExit,
} from './docker/swarm-client.js';
export type { ImageClient } from './docker/image-client.js';
export type { EventClient, EngineEvent } from './docker/event-client.js';
export { DockerodeEngine } from './docker/dockerode-engine.js';
export type { DockerodeConnectionOptions } from './docker/dockerode-connection.js';
export { DockprobeError, ErrorCodes, isDockprobeError, type ErrorCode } from './errors/dockprobe-error.js';
export { ScenarioError, formatPosition, type SourcePosition, type ScenarioProblem } from './errors/scenario-error.js';
export { UnknownNameError } from './errors/unknown-name-error.js';
export { DockerUnavailableError } from './errors/docker-unavailable-error.js';
export type { TraefikProxy, BackendNetwork, NetworkChoice, NetworkChoiceCode } from './traefik/traefik.js';
export type { TraefikRoute } from './traefik/find-routes.js';
export {
  AGENT_ERROR_CODES,
  type AgentErrorCode,
  type Check,
  type Observation,
  type Outcome,
  type ProbePlan,
} from '../probes/agent/protocol.js';
