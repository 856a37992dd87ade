import t from 'tap';
import { VERDICT_CODES as verdictCodes } from '../src/checks/verdict-codes.js';
import {
  AGENT_ERROR_CODES,
  PROBE_ERROR_CODES,
  VERDICT_CODES,
  type Cell,
  type CellOf,
  type CHECK_KINDS,
  type Kind,
  type ContainerClient,
  type Engine,
  type EventClient,
  type ImageClient,
  type NetworkClient,
  type SwarmClient,
  type SystemClient,
  type Controls,
  type EgressCell,
  type EngineEvent,
  type JobExit,
  type JobSpec,
  type LanCell,
  type NameCell,
  type PortCell,
  type NetworkDetail,
  type NetworkServiceEntry,
  type Placement,
  type ProbeSpec,
  type PublishedCell,
  type ReachCell,
  type SwarmNode,
  type SwarmService,
  type SwarmServiceMode,
  type SwarmServicePort,
  type SwarmTask,
  type TaskFilter,
  type BackendNetwork,
  type TraefikProxy,
  type TraefikRoute,
  type TraefikRouteCell,
  type VerdictCode,
} from '../src/index.js';

// The package entry names every type its exported API speaks in, so a program wrapping or faking the Engine (or one
// of its clients), or switching on a cell's kind, can write them down. Checked by tsc (npm run typecheck): a name
// missing from src/index.ts, or one that is not the type the API uses, does not compile.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Method<C extends keyof Engine, K extends keyof Engine[C]> = Engine[C][K] extends (
  ...args: infer P
) => Promise<infer R>
  ? { params: P; result: R }
  : never;

const runtime: Record<string, true> = {
  system: true satisfies Same<Engine['system'], SystemClient>,
  containers: true satisfies Same<Engine['containers'], ContainerClient>,
  networks: true satisfies Same<Engine['networks'], NetworkClient>,
  swarm: true satisfies Same<Engine['swarm'], SwarmClient>,
  images: true satisfies Same<Engine['images'], ImageClient>,
  events: true satisfies Same<Engine['events'], EventClient>,
  inspectVerbose: true satisfies Same<Method<'networks', 'inspectVerbose'>['result'], NetworkDetail | undefined>,
  networkServices: true satisfies Same<NetworkDetail['services'], NetworkServiceEntry[]>,
  listServices: true satisfies Same<Method<'swarm', 'listServices'>['result'], SwarmService[]>,
  serviceMode: true satisfies Same<SwarmService['mode'], SwarmServiceMode>,
  servicePorts: true satisfies Same<SwarmService['ports'], SwarmServicePort[]>,
  createJob: true satisfies Same<Method<'swarm', 'createJob'>['params'], [spec: JobSpec]>,
  waitJob: true satisfies Same<Method<'swarm', 'waitJob'>['result'], JobExit>,
  listTasks: true satisfies Same<Method<'swarm', 'listTasks'>['params'], [filter?: TaskFilter]>,
  listTasksResult: true satisfies Same<Method<'swarm', 'listTasks'>['result'], SwarmTask[]>,
  listNodes: true satisfies Same<Method<'swarm', 'listNodes'>['result'], SwarmNode[]>,
  eventList: true satisfies Same<Method<'events', 'list'>['result'], EngineEvent[]>,
};

const plan: Record<string, true> = {
  // Every kind's cell is CellOf its kind, so a new kind needs no name here; the named ones are the kinds' own.
  cell: true satisfies Same<Cell, CellOf<Kind>>,
  reachCell: true satisfies Same<ReachCell, CellOf<'reach'>>,
  publishedCell: true satisfies Same<PublishedCell, CellOf<'published'>>,
  egressCell: true satisfies Same<EgressCell, CellOf<'egress'>>,
  traefikRouteCell: true satisfies Same<TraefikRouteCell, CellOf<'traefik-route'>>,
  lanCell: true satisfies Same<LanCell, CellOf<'lan'>>,
  portCell: true satisfies Same<PortCell, CellOf<'port'>>,
  nameCell: true satisfies Same<NameCell, CellOf<'name'>>,
  registry: true satisfies Same<keyof typeof CHECK_KINDS, Kind>,
  controls: true satisfies Same<ProbeSpec['controls'], Controls>,
  placement: true satisfies Same<ProbeSpec['placement'], Placement>,
  traefikProxy: true satisfies Same<TraefikRouteCell['proxy'], TraefikProxy>,
  traefikRoute: true satisfies Same<TraefikRouteCell['route'], TraefikRoute>,
  backendNetwork: true satisfies Same<TraefikRouteCell['tries'][number]['network'], BackendNetwork>,
};

t.test('the entry exports the verdict codes, the same table the judge uses', async (t) => {
  t.equal(VERDICT_CODES, verdictCodes);
  const code: VerdictCode = 'blocked';
  t.type(VERDICT_CODES[code], 'string');
  t.same(
    Object.values({ ...runtime, ...plan }).filter((v) => v !== true),
    [],
    'the type-level checks above compiled',
  );
  t.type(
    PROBE_ERROR_CODES['namespace-lost'],
    'string',
    "the probe failure codes, which a failed ProbeResult's errorCode is one of",
  );
  t.ok(AGENT_ERROR_CODES.includes('DP_PROBE_BUSY'), "the agent's codes, which an Observation's errorCode is one of");
});
