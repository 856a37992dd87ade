/** A container or network id shortened the way the docker CLI shows it; names pass through. */
export function short(id: string): string {
  return /^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id;
}
