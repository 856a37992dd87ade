/** The longest text quoted whole in a message; longer ones are cut, with their length. */
const MAX_QUOTED = 80;

/**
 * A value from a scenario file, quoted for a message: whole when short, else its start and its length. A scenario
 * file may hold a scalar of megabytes (up to the 4 MiB a file may have), and an error must never echo it.
 */
export function quoted(text: string): string {
  return text.length <= MAX_QUOTED ? `'${text}'` : `'${text.slice(0, 60)}…' (${text.length} characters)`;
}
