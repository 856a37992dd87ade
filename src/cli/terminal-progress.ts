import type { ProgressSink } from '../pipeline/progress-sink.js';
import type { Colors } from '../report/colors.js';
import type { CliContext } from './cli-context.js';

// Erases the terminal's current line and goes back to its start: the status line is redrawn in place.
const CLEAR_LINE = '\r\x1b[2K';

/** What a terminal status line needs; the clock and the ticker are a test's to drive. */
export interface TerminalProgressOptions {
  stream: NodeJS.WritableStream & { columns?: number };
  colors: Colors;
  /** Milliseconds, monotonic. */
  now?: () => number;
  /** Calls `tick` every `ms` until the returned function is called; it must not keep the process alive. */
  every?: (ms: number, tick: () => void) => () => void;
  /** How long a round runs before its line appears: a short one shows none. */
  showAfterMs?: number;
}

/**
 * A status line on a terminal (stderr) while a round's probes run: probes done and running, checks done, the time
 * taken and, once a probe has ended, the time left at the pace so far:
 * `dockprobe: probes 3/12 done, 4 running · checks 40/120 · 8 s, about 20 s left`. It appears only after
 * `showAfterMs`, is redrawn in place each second and as probes end, gives way to log lines (`log`) and is erased
 * when the round ends, so nothing of it is left among the logs or before the report.
 */
export class TerminalProgress implements ProgressSink {
  readonly #stream: TerminalProgressOptions['stream'];
  readonly #colors: Colors;
  readonly #now: () => number;
  readonly #every: NonNullable<TerminalProgressOptions['every']>;
  readonly #showAfterMs: number;
  #round: { probes: number; checks: number; startedAt: number } | undefined;
  #running = 0;
  #done = 0;
  #checksDone = 0;
  #failed = 0;
  #shown = false;
  #stopTicking: (() => void) | undefined;

  constructor(options: TerminalProgressOptions) {
    this.#stream = options.stream;
    this.#colors = options.colors;
    this.#now = options.now ?? (() => performance.now());
    this.#every =
      options.every ??
      ((ms, tick) => {
        const timer = setInterval(tick, ms);
        timer.unref();
        return () => clearInterval(timer);
      });
    this.#showAfterMs = options.showAfterMs ?? 2000;
  }

  roundStarted(round: { probes: number; checks: number }): void {
    this.#stopTicking?.();
    this.#round = { ...round, startedAt: this.#now() };
    this.#running = 0;
    this.#done = 0;
    this.#checksDone = 0;
    this.#failed = 0;
    this.#stopTicking = this.#every(1000, () => this.#draw());
  }

  probeStarted(_probe: { key: string }): void {
    this.#running++;
    this.#draw();
  }

  probeEnded(probe: { key: string; checks: number; failed: boolean }): void {
    this.#running = Math.max(0, this.#running - 1);
    this.#done++;
    this.#checksDone += probe.checks;
    if (probe.failed) this.#failed++;
    this.#draw();
  }

  roundEnded(): void {
    this.#stopTicking?.();
    this.#stopTicking = undefined;
    this.#round = undefined;
    this.#erase();
  }

  /** A log line, written where the status line was; the status line comes back under it. */
  log(write: () => void): void {
    this.#erase();
    write();
    this.#draw();
  }

  /** The status line as it reads now, undefined before it is due. */
  line(): string | undefined {
    const round = this.#round;
    if (!round) return undefined;
    const elapsed = this.#now() - round.startedAt;
    if (elapsed < this.#showAfterMs) return undefined;
    const seconds = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;
    const failed = this.#failed > 0 ? ` (${this.#failed} failed)` : '';
    const left =
      this.#done > 0 && this.#done < round.probes
        ? `, about ${seconds((elapsed / this.#done) * (round.probes - this.#done))} left`
        : '';
    const text = `dockprobe: probes ${this.#done}/${round.probes} done${failed}, ${this.#running} running · checks ${this.#checksDone}/${round.checks} · ${seconds(elapsed)}${left}`;
    // One line only: wrapped, `\r` would redraw its last part alone.
    const width = (this.#stream.columns ?? 80) - 1;
    return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
  }

  #draw(): void {
    const line = this.line();
    if (line === undefined) return;
    this.#stream.write(`${CLEAR_LINE}${this.#colors.dim(line)}`);
    this.#shown = true;
  }

  #erase(): void {
    if (!this.#shown) return;
    this.#stream.write(CLEAR_LINE);
    this.#shown = false;
  }
}

/**
 * The progress of a probing command, and its log and warnings made to give way to it: a status line on stderr only
 * when stderr is a terminal (not `TERM=dumb`) and not `--quiet`; otherwise no sink, and the log as it was.
 */
export function terminalProgressFor(
  context: CliContext,
  quiet: boolean,
  env: NodeJS.ProcessEnv = process.env,
): TerminalProgress | undefined {
  if (quiet || context.stderr.isTTY !== true || env['TERM'] === 'dumb') return undefined;
  return new TerminalProgress({ stream: context.stderr, colors: context.colorsErr });
}
