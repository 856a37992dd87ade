/** Docker's own chains: DOCKER and every DOCKER-… chain, except DOCKER-USER, which is the user's. */
export function isDockerChain(name: string): boolean {
  return /^DOCKER(-|$)/.test(name) && name !== 'DOCKER-USER';
}

/**
 * A rule set as `iptables-save` (or `ip6tables-save`) prints it, without Docker's chains and the jumps into them: as
 * the rule set of a host rules file restored over Docker's (an `iptables-restore` from a cron job, a configuration
 * management run, a firewalld reload). Every table, every built-in chain and its policy, DOCKER-USER with its rules
 * and the jump into it, and every rule of another chain stay. The text stays a valid `iptables-restore` input.
 */
export function withoutDockerChains(rules: string): string {
  return rules
    .split('\n')
    .filter((line) => {
      const declared = /^:(\S+)\s/.exec(line);
      if (declared) return !isDockerChain(declared[1]!);
      if (!line.startsWith('-A ') && !line.startsWith('-I ')) return true;
      const chain = line.split(/\s+/)[1] ?? '';
      if (isDockerChain(chain)) return false;
      const target = /\s-[jg]\s+(\S+)/.exec(line);
      return !(target && isDockerChain(target[1]!));
    })
    .join('\n');
}
