/**
 * Undo actions registered as resources are created, run once each in reverse order: by the pipeline's `finally`
 * on success or failure, and by the CLI's signal handler on Ctrl-C or SIGTERM, whichever comes first.
 */
export class CleanupStack {
  readonly #actions: { what: string; run: () => Promise<void> }[] = [];
  #closed = false;
  #running: Promise<string[]> | undefined;

  /** Whether cleanup has begun; creators check it so nothing new outlives the run. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Registers an undo action; returns a function that runs it now (once) and unregisters it. */
  defer(what: string, run: () => Promise<void>): () => Promise<void> {
    const action = { what, run };
    this.#actions.push(action);
    return async () => {
      if (!this.#forget(action)) return;
      await run();
    };
  }

  /**
   * A stack of its own whose actions also run when this one does (a signal reaches every level); `close()` runs the
   * child's actions and detaches it.
   */
  child(what: string): { stack: CleanupStack; close: () => Promise<string[]> } {
    const stack = new CleanupStack();
    const action = {
      what,
      run: async () => {
        const failures = await stack.runAll();
        if (failures.length > 0) throw new Error(failures.join('; '));
      },
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

  #forget(action: { what: string; run: () => Promise<void> }): boolean {
    const i = this.#actions.indexOf(action);
    if (i < 0) return false;
    this.#actions.splice(i, 1);
    return true;
  }

  /** Runs every remaining action (newest first); returns one message per action that failed. Safe to call twice. */
  runAll(): Promise<string[]> {
    this.#closed = true;
    this.#running ??= (async () => {
      const failures: string[] = [];
      while (this.#actions.length > 0) {
        const batch = this.#actions.splice(0).reverse();
        const results = await Promise.allSettled(batch.map((a) => a.run()));
        results.forEach((r, i) => {
          if (r.status === 'rejected') failures.push(`${batch[i]!.what}: ${(r.reason as Error)?.message ?? String(r.reason)}`);
        });
      }
      return failures;
    })();
    return this.#running;
  }
}
