import { createConnection } from 'node:net';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ChildProcess } from 'node:child_process';
import { composeUp, detectCompose } from '../../src/compose/compose-cli.js';
import { tearDownProject } from '../../src/compose/tear-down-project.js';
import { NAME_BLOCKED, PATH_BLOCKED } from '../../src/judge/judge.js';
import type { Outcome } from '../../probes/agent/protocol.js';
import { waitForProject } from '../../src/compose/wait-for-project.js';
import type { ContainerInfo } from '../../src/docker/container-client.js';
import { DockerodeEngine } from '../../src/docker/dockerode-engine.js';
import { ensureProbeImage } from '../../src/image/probe-image.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import type { RunResult } from '../../src/run-result.js';

// Shared set-up of the integration tests: a real engine, the probe image, Compose projects of their own.

/** The CLI as users run it: package.json's `bin`, the bundle (built by `npm test` before tap starts). */
export const BIN = join(
  PACKAGE_ROOT,
  (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { bin: { dockprobe: string } }).bin
    .dockprobe,
);

export const runtime = new DockerodeEngine();

/** Safety net: drop container traffic out of the default-route interface (root only; idempotent). */
export async function egressGuard(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await execa('bash', [join(PACKAGE_ROOT, 'scripts', 'egress-guard.sh')], { reject: false, timeout: 15_000 });
}

/**
 * Brings up a Compose file as `project` with the probe image; returns the function that tears it down. That one
 * never throws: what cannot be removed (a ghost endpoint dockerd keeps until it restarts) comes back as warnings,
 * so a teardown never fails the file nor stops the teardowns registered before it.
 */
export async function upProject(
  composeFile: string,
  project: string,
  scale?: Record<string, number>,
): Promise<() => Promise<string[]>> {
  await egressGuard();
  const image = await ensureProbeImage(runtime);
  const compose = await detectCompose();
  const call = {
    project,
    composeFile: join(PACKAGE_ROOT, composeFile),
    timeoutMs: 120_000,
    env: {
      ...process.env,
      DOCKPROBE_IMAGE: image,
      DOCKPROBE_RUN: `test-${project}`,
      DOCKPROBE_PID: String(process.pid),
      DOCKPROBE_HOST: hostname(),
    } as Record<string, string>,
  };
  const down = async () => {
    const { leftBehind } = await tearDownProject(runtime, compose, { ...call, timeoutMs: 60_000 });
    return leftBehind;
  };
  try {
    await composeUp(compose, { ...call, ...(scale ? { scale } : {}) });
    await waitForProject(runtime, project, { timeoutMs: 60_000 });
  } catch (error) {
    await down();
    throw error;
  }
  return down;
}

/** The part of tap's test object the helpers use (the root `t` and subtests alike). */
export interface TestLike {
  teardown(fn: () => unknown): void;
  comment(...message: unknown[]): void;
}

/** Registers a teardown that can neither throw nor hang the file: failures and what is left become comments. */
export function teardown(t: TestLike, what: string, fn: () => Promise<string[] | undefined>, timeoutMs = 90_000): void {
  t.teardown(async () => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<string[]>((resolve) => {
      timer = setTimeout(() => resolve([`${what} did not end within ${timeoutMs} ms`]), timeoutMs);
    });
    const warnings = await Promise.race([
      fn().then(
        (w) => w ?? [],
        (error: unknown) => [`${what} failed: ${(error as Error).message}`],
      ),
      expired,
    ]);
    clearTimeout(timer);
    for (const w of warnings) t.comment(`warning: ${w}`);
  });
}

/**
 * The reference topology and its broken twin, up side by side for one test file and torn down when it ends: the
 * healthy deployment a finding is compared with, and the one that must fail. `scale` goes to the reference.
 */
export async function upReferenceAndBroken(
  t: TestLike,
  prefix: string,
  scale?: Record<string, number>,
): Promise<{ reference: string; broken: string }> {
  const reference = projectName(prefix);
  const broken = projectName(`${prefix}-broken`);
  const [downReference, downBroken] = await Promise.all([
    upProject('docker-compose.test.yml', reference, scale),
    upProject('docker-compose.broken.yml', broken),
  ]);
  teardown(t, `tear down ${reference}`, downReference);
  teardown(t, `tear down ${broken}`, downBroken);
  return { reference, broken };
}

/** Ends a spawned child for good when the test ends, whatever state it is in. */
export function killOnTeardown(t: TestLike, child: ChildProcess): void {
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
}

/** Runs the CLI; never throws on a non-zero exit. */
export async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const result = await execa(process.execPath, [BIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    reject: false,
    timeout: 120_000,
    forceKillAfterDelay: 2000,
    cwd: PACKAGE_ROOT,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Runs the CLI with `--format json` and parses the report. */
export async function cliJson(args: string[]) {
  const out = await cli([...args, '--format', 'json']);
  let report: RunResult | undefined;
  try {
    report = JSON.parse(out.stdout) as RunResult;
  } catch {
    report = undefined;
  }
  // What did not pass, with its code and reason, after the CLI's own stderr: a test's message then says why.
  const unmet = (report?.verdicts ?? [])
    .filter((v) => v.status !== 'pass')
    .map((v) => `  ${v.status} ${v.source} → ${v.target}: ${v.code}: ${v.reason}`);
  return { ...out, stderr: unmet.length > 0 ? `${out.stderr}\n[not passed]\n${unmet.join('\n')}` : out.stderr, report };
}

/** Containers carrying a label (e.g. `dockprobe.run=abc`). */
export function containersLabelled(label: string): Promise<ContainerInfo[]> {
  return runtime.containers.list({ all: true, labels: [label] });
}

/** The containers of one service of a project, found by Compose's labels (v1 and v2 name them differently). */
export async function serviceContainers(project: string, service: string): Promise<ContainerInfo[]> {
  const all = await containersLabelled(`com.docker.compose.project=${project}`);
  return all
    .filter((c) => c.labels['com.docker.compose.service'] === service)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * How a blocked attempt ended, in the terms that hold on every engine: `name` (the name did not resolve: NXDOMAIN,
 * a forwarded query that timed out on 20.10, SERVFAIL on 26+), `path` (no answer: a timeout where a route exists, an
 * unreachable network where none does, as on 26+ internal networks), or the outcome itself when it is neither.
 */
export function blockedAs(outcome: Outcome | undefined): string {
  if (outcome && NAME_BLOCKED.has(outcome)) return 'name';
  if (outcome && PATH_BLOCKED.has(outcome)) return 'path';
  return outcome ?? 'no observation';
}

/** A unique Compose project name for one test file. */
export function projectName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
}

/** What a plain TCP connection from here to `host:port` meets: `open`, or the socket's error code. */
export function plainConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(3000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
