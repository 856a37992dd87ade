/**
 * An image reference in Docker's familiar form: `dockprobe-probe:0.1.0` where Podman's compatible API says
 * `docker.io/library/dockprobe-probe:0.1.0` (an image built or loaded locally) or `localhost/dockprobe-probe:0.1.0`,
 * so names compare and read the same on every engine.
 */
export function familiarImageName(reference: string): string {
  return reference.replace(/^(?:docker\.io\/library\/|localhost\/)(?=[^/]+$)/, '');
}
