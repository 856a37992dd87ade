import type { HostKeyCheck } from '../docker/known-hosts.js';
import { DockprobeError, ErrorCodes } from './dockprobe-error.js';

/**
 * The ssh server of an `ssh://` engine endpoint presented a host key that the known_hosts files do not vouch for:
 * dockprobe does not talk to an engine it cannot authenticate (the engine's API is root on its host).
 */
export class SshHostKeyError extends DockprobeError {
  readonly endpoint: string;
  readonly check: HostKeyCheck;

  /** `files`: the known_hosts files read; `name`: the host as they list it (`host` or `[host]:port`). */
  constructor(endpoint: string, check: HostKeyCheck, files: readonly string[], name: string) {
    const key = `${check.keyType} ${check.fingerprint}`;
    const read = files.join(', ');
    const { message, hint } = (() => {
      switch (check.verdict) {
        case 'changed':
          return {
            message: `the ssh host key of ${endpoint} has CHANGED: it presented ${key}, and ${check.where} has another ${check.keyType} key for ${name}; someone may be intercepting the connection, so dockprobe does not connect`,
            hint: `if the server's key was changed on purpose, check the new fingerprint with its administrator, remove the old line (ssh-keygen -R '${name}') and add the new one`,
          };
        case 'revoked':
          return {
            message: `the ssh host key of ${endpoint} (${key}) is revoked by ${check.where}; dockprobe does not connect`,
            hint: 'the server must be given a new host key; ask its administrator',
          };
        default:
          return {
            message: `the ssh host key of ${endpoint} (${key}) is not in the known_hosts files (${read}); dockprobe connects only to an engine whose host key is known`,
            hint: `compare the fingerprint with the server's (ssh-keygen -lf /etc/ssh/ssh_host_${check.keyType.replace(/^ssh-|-.*$/g, '')}_key.pub on it), then connect once with ssh to add it, or append the output of ssh-keyscan; DOCKPROBE_SSH_KNOWN_HOSTS names other files (colon-separated)`,
          };
      }
    })();
    super(ErrorCodes.SSH_HOST_KEY, message, { hint });
    this.endpoint = endpoint;
    this.check = check;
  }
}
