import { DockprobeError, ErrorCodes } from './dockprobe-error.js';

/** The engine refused to remove a network because it still has endpoints; `engineMessage` is its own words. */
export class NetworkInUseError extends DockprobeError {
  readonly networkId: string;
  readonly engineMessage: string;

  constructor(networkId: string, engineMessage: string, cause?: unknown) {
    super(ErrorCodes.NETWORK_IN_USE, `network ${networkId.slice(0, 12)} cannot be removed: ${engineMessage}`, {
      cause,
    });
    this.networkId = networkId;
    this.engineMessage = engineMessage;
  }
}
