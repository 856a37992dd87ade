/**
 * What a failed command said, on one line and whole: its lines joined with their indentation collapsed, cut only past
 * `max` characters (Compose v1 wraps one sentence over several indented lines; its last lines alone start mid-sentence).
 */
export function commandOutput(text: string, max = 600): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
