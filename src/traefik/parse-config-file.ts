import { posix } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { FlatConfig } from './static-config-options.js';

/**
 * A Traefik configuration file, flattened as Traefik reads it (paerser's file decoder): TOML for `.toml`, YAML for
 * `.yml`, `.yaml` and `.json` (yaml.v3, merge keys included), any other extension refused. Keys match
 * case-insensitively; a key with no value (`swarm:` in YAML) counts as absent, an empty section (`swarm: {}`,
 * `[providers.swarm]`) as set. A file Traefik would refuse (it does not parse, holds nothing, or is not a mapping) is
 * an error here too: Traefik then does not start, and nothing is guessed.
 */
export function parseConfigFile(path: string, text: string): FlatConfig | { error: string } {
  const extension = posix.extname(path).toLowerCase();
  let data: unknown;
  try {
    if (extension === '.toml') data = parseToml(text);
    else if (extension === '.yml' || extension === '.yaml' || extension === '.json')
      data = parseYaml(text, { merge: true });
    else
      return {
        error: `unsupported file extension ${extension || '(none)'}: Traefik reads .toml, .yml, .yaml and .json`,
      };
  } catch (error) {
    const format = extension === '.toml' ? 'TOML' : 'YAML';
    return { error: `${format} does not parse: ${firstLine((error as Error).message)}` };
  }
  if (data === null || data === undefined) return { error: 'no configuration found in the file' };
  if (typeof data !== 'object' || Array.isArray(data)) return { error: 'the file is not a mapping of settings' };
  const values: Record<string, string> = {};
  const written: Record<string, string> = {};
  flatten(data as Record<string, unknown>, '', '', values, written);
  if (Object.keys(values).length === 0) return { error: 'no configuration found in the file' };
  return { values, describe: (key) => `${written[key] ?? key}: ${values[key]} in ${path}` };
}

function flatten(
  node: Record<string, unknown>,
  prefix: string,
  writtenPrefix: string,
  values: Record<string, string>,
  written: Record<string, string>,
): void {
  for (const [name, value] of Object.entries(node)) {
    // A key without a value is skipped, as paerser's raw decoder skips nil.
    if (value === null || value === undefined) continue;
    const key = prefix ? `${prefix}.${name.toLowerCase()}` : name.toLowerCase();
    const as = writtenPrefix ? `${writtenPrefix}.${name}` : name;
    written[key] = as;
    if (Array.isArray(value)) {
      const maps = value.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
      if (maps.length === 0) values[key] = value.map(String).join(',');
      for (const [i, m] of maps.entries())
        flatten(m as Record<string, unknown>, `${key}[${i}]`, `${as}[${i}]`, values, written);
    } else if (value instanceof Date) values[key] = value.toISOString();
    else if (typeof value === 'object') {
      const entries = Object.keys(value as object);
      if (entries.length === 0) values[key] = '';
      else flatten(value as Record<string, unknown>, key, as, values, written);
    } else values[key] = String(value);
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim().replace(/:$/, '');
}
