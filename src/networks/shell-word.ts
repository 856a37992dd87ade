/**
 * A name as one word of a shell command, quoted only when it needs to be. Docker's own names never do; a name is
 * still text from the engine, and a command printed for people to paste must not do more than it says.
 */
export function shellWord(text: string): string {
  return /^[\w.@%+=:,/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
