import type { TraefikVersion } from './traefik.js';

/** The label official Traefik images carry (`v3.0.4`); a container inherits its image's labels. */
export const IMAGE_VERSION_LABEL = 'org.opencontainers.image.version';
/** Official Traefik images say `Traefik` here; an image built on one keeps it unless it sets its own. */
export const IMAGE_TITLE_LABEL = 'org.opencontainers.image.title';

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$/i;

/**
 * Which Traefik a proxy runs. The image's own version label is the most precise (a floating tag such as `v3` or
 * `latest` says only what was current when it was pulled); else the tag (`traefik:v2.11`, `traefik:3.0`,
 * `registry.local/traefik:v3.0.4@sha256:…`). `latest`, a missing tag or a codename tag (`mimolette`) leave the major
 * unknown, and every rule that depends on it says so instead of guessing. Both count only for a Traefik image: the
 * tag of `registry.local/edge:7` is that image's own version, not Traefik's.
 */
export function traefikVersion(image: string, labels: Readonly<Record<string, string>>): TraefikVersion {
  const isTraefik = imageName(image) === 'traefik';
  const label =
    isTraefik || labels[IMAGE_TITLE_LABEL]?.toLowerCase() === 'traefik' ? labels[IMAGE_VERSION_LABEL] : undefined;
  const fromLabel = label ? parse(label) : undefined;
  if (fromLabel) return { ...fromLabel, text: label!, from: 'image label' };
  const tag = isTraefik ? imageTag(image) : undefined;
  const fromTag = tag ? parse(tag) : undefined;
  if (fromTag) return { ...fromTag, text: tag!, from: 'image tag' };
  return {
    major: undefined,
    minor: undefined,
    patch: undefined,
    text: isTraefik ? (tag ?? 'latest') : image,
    from: 'nothing',
  };
}

/**
 * Whether `version` is at least `wanted` (`[3, 2, 2]`): true, false, or undefined when the parts it knows cannot
 * tell (`v3` against 3.2.2).
 */
export function versionAtLeast(
  version: TraefikVersion,
  wanted: readonly [number, number, number],
): boolean | undefined {
  const parts = [version.major, version.minor, version.patch];
  for (let i = 0; i < 3; i++) {
    const have = parts[i];
    if (have === undefined) return undefined;
    if (have !== wanted[i]) return have > wanted[i]!;
  }
  return true;
}

/** The repository part of an image reference, without registry, path, tag or digest: `traefik`. */
export function imageName(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const last = withoutDigest.split('/').pop()!;
  return last.split(':')[0]!.toLowerCase();
}

// The tag of a reference: after the last ':' of its last path part (a registry's port sits before a '/').
function imageTag(image: string): string | undefined {
  const last = image.split('@')[0]!.split('/').pop()!;
  const colon = last.indexOf(':');
  return colon >= 0 ? last.slice(colon + 1) : undefined;
}

function parse(text: string): Omit<TraefikVersion, 'text' | 'from'> | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  const part = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  return { major: part(match[1]), minor: part(match[2]), patch: part(match[3]) };
}
