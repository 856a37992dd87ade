/** One undo action. */
interface Action {
  what: string;
  run: () => Promise<void>;
  /** May run at the same time as its adjacent concurrent neighbours (see {@link CleanupStack.defer}). */
  concurrent: boolean;
}

/** How an action may be run. */
export interface DeferOptions {
  /**
   * The action is independent of its adjacent neighbours that are concurrent too (the probe containers of one run),
   * so they are run together, as one step of the reverse order. Default false: the action runs on its own.
   */
  concurrent?: boolean;
}

/**
 * Undo actions registered as resources are created, run once each in reverse order: by the pipeline's `finally`
 * on success or failure, and by the CLI's signal handler on Ctrl-C or SIGTERM, whichever comes first. Reverse order
 * is strict: an action starts only after every newer one has finished (a project is torn down only once the probes
 * in it are gone); only adjacent actions deferred as concurrent run together.
 */
export class CleanupStack {
  readonly #actions: Action[] = [];
  /** Actions run early (through the function `defer` returned) that failed: still leftovers, reported by runAll. */
  readonly #failedEarly: string[] = [];
  #closed = false;
  #running: Promise<string[]> | undefined;

  /** Whether cleanup has begun; creators check it so nothing new outlives the run. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Registers an undo action; returns a function that runs it now (once) and unregisters it. If that early run
   * fails, it still rejects, and the failure is kept: `runAll` reports it, so a caller that cannot act on the error
   * (a probe removed while the engine went away) does not make the leftover disappear from the report.
   */
  defer(what: string, run: () => Promise<void>, options: DeferOptions = {}): () => Promise<void> {
    const action: Action = { what, run, concurrent: options.concurrent ?? false };
    this.#actions.push(action);
    return async () => {
      if (!this.#forget(action)) return;
      try {
        await run();
      } catch (error) {
        this.#failedEarly.push(`${what}: ${(error as Error)?.message ?? String(error)}`);
        throw error;
      }
    };
  }

  /**
   * A stack of its own whose actions also run when this one does (a signal reaches every level), in its place in
   * this stack's order; `close()` runs the child's actions and detaches it.
   */
  child(what: string): { stack: CleanupStack; close: () => Promise<string[]> } {
    const stack = new CleanupStack();
    const action: Action = {
      what,
      run: async () => {
        const failures = await stack.runAll();
        if (failures.length > 0) throw new Error(failures.join('; '));
      },
      concurrent: false,
    };
    this.#actions.push(action);
    return {
      stack,
      close: async () => {
        this.#forget(action);
        return stack.runAll();
      },
    };
  }

  #forget(action: Action): boolean {
    const i = this.#actions.indexOf(action);
    if (i < 0) return false;
    this.#actions.splice(i, 1);
    return true;
  }

  /** The next step of the reverse order: the newest action, with its adjacent concurrent neighbours if it is one. */
  #takeNewest(): Action[] {
    const step = [this.#actions.pop()!];
    if (step[0]!.concurrent) while (this.#actions.at(-1)?.concurrent) step.push(this.#actions.pop()!);
    return step;
  }

  /**
   * Runs every remaining action, newest first, one step after another (an action deferred meanwhile runs too);
   * returns one message per action that failed. Safe to call twice.
   */
  runAll(): Promise<string[]> {
    this.#closed = true;
    this.#running ??= (async () => {
      const failures: string[] = [];
      while (this.#actions.length > 0) {
        const step = this.#takeNewest();
        const results = await Promise.allSettled(step.map(async (a) => a.run()));
        results.forEach((r, i) => {
          if (r.status === 'rejected')
            failures.push(`${step[i]!.what}: ${(r.reason as Error)?.message ?? String(r.reason)}`);
        });
      }
      return [...this.#failedEarly, ...failures];
    })();
    return this.#running;
  }
}
