// The defaults of `dockprobe chaos`, in a module of their own so the command line can name them in --help without
// loading the drill.

/** Rounds before the fault: they must agree, every cell conclusive, before anything is changed. */
export const DEFAULT_BASELINE_ROUNDS = 3;
/** The longest the drill waits for every cell to come back, after the fault and again after the restore. */
export const DEFAULT_CHAOS_DEADLINE_MS = 60_000;
/** How long --engine-restart-command may take, and then the engine to answer again. */
export const DEFAULT_ENGINE_RESTART_TIMEOUT_MS = 120_000;
