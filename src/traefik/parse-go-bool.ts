/**
 * Go's strconv.ParseBool, which Traefik's parsers use for flags and labels alike: `true`, `1`, `T` … and `false`, `0`,
 * `F` …; undefined for an absent value or one Go would refuse (Traefik then errs, so nothing is assumed).
 */
export function parseGoBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}
