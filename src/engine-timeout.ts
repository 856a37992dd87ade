/**
 * The deadline of each call to the engine unless told otherwise (`--engine-timeout`): an engine that accepts a
 * connection and never answers ends the run with exit 3 after this long, never a hang. Its own module so the CLI can
 * name it in --help without loading the Docker client.
 */
export const DEFAULT_ENGINE_TIMEOUT_MS = 30_000;
