/**
 * A stack's service or network as its stack file names it: `docker stack deploy` names them `<stack>_<name>`, and
 * scenarios say `api` and `public-facing`, as they do for Compose. A name without the prefix (a network the stack
 * file gives a `name:` of its own) is its own short name.
 */
export function stackShortName(stack: string, realName: string): string {
  return realName.startsWith(`${stack}_`) ? realName.slice(stack.length + 1) : realName;
}
