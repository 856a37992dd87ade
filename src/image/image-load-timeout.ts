/**
 * The bound on loading the probe image into one swarm node unless told otherwise (`--image-load-timeout`): a whole
 * image goes through this machine (`docker save | docker load`). Its own module so the CLI can name it in --help
 * without loading the Docker client.
 */
export const DEFAULT_IMAGE_LOAD_TIMEOUT_MS = 5 * 60_000;
