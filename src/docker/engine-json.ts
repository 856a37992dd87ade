// Readers for the engine's JSON where dockerode gives no type, or one that lags the API (services, tasks, nodes, a
// verbose network inspect). Fields come and go between API versions and some are null where the spec says a list,
// so a field of another type than expected reads as absent: a mapper never crashes on an engine's answer.

/** A JSON object, or an empty one for anything else. */
export function objectAt(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A JSON list, or an empty one for anything else (null included). */
export function listAt(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A non-empty string, or undefined. */
export function stringAt(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A finite number, or undefined. */
export function numberAt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A map of string labels; entries whose value is not a string are left out. */
export function labelsAt(value: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(objectAt(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** `10.0.1.5/24` → `10.0.1.5`: the engine writes swarm addresses with their prefix length. */
export function withoutPrefix(address: string): string {
  return address.replace(/\/\d+$/, '');
}
