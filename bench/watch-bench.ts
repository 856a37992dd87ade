import { performance } from 'node:perf_hooks';
import { REFERENCE_SCENARIO } from '../src/package-paths.js';
import { applyOverrides } from '../src/scenario/apply-overrides.js';
import { loadScenario } from '../src/scenario/parse-scenario.js';
import { verify } from '../src/verify.js';
import { watch } from '../src/watch/watch.js';
import { upReferenceProject } from './reference-project.js';

// The soak of `dockprobe watch` on the reference topology: thousands of rounds back to back on warm probes (an
// interval of 1 ms, so each round starts as the one before ends), with the process's RSS after the first round and
// after the last, the rounds' median and p99 wall time, and what a round on warm probes costs next to a cold `test`
// (a container per probe per run) of the same scenario and timeout. Not CI: BENCH_WATCH_ROUNDS rounds (2000 by
// default, about a quarter of an hour at the 250 ms timeout). Traffic only to the project this benchmark brings up.

const ROUNDS = Number(process.env['BENCH_WATCH_ROUNDS'] ?? 2000);
const COLD_RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
/** The deny timeout of every check, cold and warm: a round costs about one of them. */
const TIMEOUT_MS = Number(process.env['BENCH_WATCH_TIMEOUT_MS'] ?? 250);

const { runtime, image, project, down } = await upReferenceProject();
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

try {
  const scenario = await loadScenario(REFERENCE_SCENARIO);
  const projected = applyOverrides(scenario, { project, timeoutMs: TIMEOUT_MS });

  // Cold: `test` as it runs once, probe containers created, started and removed.
  const cold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const started = performance.now();
    const result = await verify({ scenarios: [projected], image, runtime });
    cold.push(performance.now() - started);
    if (result.summary.pass !== result.summary.total)
      throw new Error(`the reference topology did not pass cold: ${JSON.stringify(result.summary)}`);
  }

  // Warm: one watch, rounds back to back.
  const durations: number[] = [];
  const outcomes = new Map<string, number>();
  let rssFirst = 0;
  const samples: string[] = [];
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const soakStarted = performance.now();
  const running = await watch({
    runtime,
    image,
    load: async () => ({ scenarios: [scenario], detail: 'the reference scenario' }),
    project,
    timeoutMs: TIMEOUT_MS,
    schedule: { intervalMs: 1, settleMs: 1, maxDelayMs: 1 },
    firewall: null,
    log: () => undefined,
    onEvent: (event) => {
      if (event.event !== 'round') return;
      durations.push(event.durationMs);
      outcomes.set(event.outcome, (outcomes.get(event.outcome) ?? 0) + 1);
      if (durations.length === 1) rssFirst = process.memoryUsage().rss;
      if (durations.length === 1 || durations.length % Math.max(1, Math.floor(ROUNDS / 10)) === 0) {
        // With node --expose-gc, the heap as a collection leaves it: what a leak would grow.
        (globalThis as { gc?: () => void }).gc?.();
        const { rss, heapUsed } = process.memoryUsage();
        samples.push(`${durations.length}: ${mb(rss)} (heap ${mb(heapUsed)})`);
      }
      if (durations.length === ROUNDS) finished();
    },
  });
  await allDone;
  const soakMs = performance.now() - soakStarted;
  const rssLast = process.memoryUsage().rss;
  const left = await running.stop();
  if (left.length > 0) console.error(`not removed: ${left.join(', ')}`);

  const warm = durations.slice(1).sort((a, b) => a - b);
  const coldSorted = [...cold].sort((a, b) => a - b);
  const coldMedian = quantile(coldSorted, 0.5);
  const warmMedian = quantile(warm, 0.5);
  const engine = await runtime.system.info();
  console.log(
    `watch soak, reference topology (10 cells, 2 warm probes), timeout ${TIMEOUT_MS} ms, engine ${engine.version}`,
  );
  console.log(
    `  rounds: ${durations.length} in ${(soakMs / 1000).toFixed(0)} s (${[...outcomes].map(([o, n]) => `${n} ${o}`).join(', ')})`,
  );
  console.log(`  RSS: ${mb(rssFirst)} after the first round, ${mb(rssLast)} after the last`);
  console.log(`  RSS by round: ${samples.join(', ')}`);
  console.log(
    `  warm round: median ${warmMedian.toFixed(0)} ms, p99 ${quantile(warm, 0.99).toFixed(0)} ms, max ${warm.at(-1)?.toFixed(0)} ms (the first, which starts the probes: ${durations[0]} ms)`,
  );
  console.log(
    `  cold test:  median ${coldMedian.toFixed(0)} ms of ${COLD_RUNS} runs; a warm round costs ${((warmMedian / coldMedian) * 100).toFixed(0)}% of it`,
  );
} finally {
  await down();
}
