/**
 * Whether `docker info`'s SecurityOptions (`name=seccomp,profile=builtin`, `name=rootless`, `name=cgroupns`…) say the
 * engine runs rootless: dockerd in RootlessKit's user and network namespaces, as an unprivileged user.
 */
export function isRootless(securityOptions: readonly string[] | null | undefined): boolean {
  return (securityOptions ?? []).some((option) => option.split(',').some((field) => field.trim() === 'name=rootless'));
}
