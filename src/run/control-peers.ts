import { short } from '../docker/short-id.js';
import type { ControlPeerAnswer } from './control-peer-answer.js';
import { ControlPeer, type ControlPeerContext, type StartedControlPeer } from './control-peer.js';

/**
 * A run's control peers of dockprobe's own: one per source network that needs one, made when a probe first asks for
 * it, kept for the rounds after (and by a runner that keeps its probes warm, for as long as it keeps them), replaced
 * when it died, removed with the run (each is on the run's cleanup stack from its create on).
 */
export class ControlPeers {
  /** By network id: the peer, or its start while it is under way. */
  readonly #peers = new Map<string, Promise<StartedControlPeer>>();
  /** By network id: an answer under way, which every round that asks meanwhile shares (runners share one pool). */
  readonly #answering = new Map<string, Promise<ControlPeerAnswer>>();
  #made = 0;

  constructor(readonly context: ControlPeerContext) {}

  /**
   * One round's way to its peers: the answer for each network asked for, the same for every probe of the round. A peer
   * kept from an earlier round is checked first (still running, as it answered), and replaced if it is not. Never
   * throws: a peer that cannot be made is an answer that says why. Rounds of runners that share the pool (watch's warm
   * and cold runners) ask at once: one answer under way serves them all, so a network never gets two peers.
   */
  forRound(): (network: { id: string; name: string }) => Promise<ControlPeerAnswer> {
    const answers = new Map<string, Promise<ControlPeerAnswer>>();
    return (network) => {
      let answer = answers.get(network.id);
      if (!answer) {
        answer = this.#answerShared(network);
        answers.set(network.id, answer);
      }
      return answer;
    };
  }

  /** Removes every peer (the runner that owns the pool stops); returns what could not be removed. */
  close(): Promise<string[]> {
    return this.retireExcept(new Set());
  }

  /**
   * Removes the peers of networks not in `needed` (their sources have running peers again, or are no longer probed),
   * so that a long-lived runner keeps none it does not use. Never throws; returns what could not be removed.
   */
  async retireExcept(needed: ReadonlySet<string>): Promise<string[]> {
    const failures: string[] = [];
    for (const [networkId, starting] of [...this.#peers]) {
      if (needed.has(networkId)) continue;
      this.#peers.delete(networkId);
      const peer = await starting.catch(() => undefined);
      if (!peer) continue;
      try {
        await peer.stop();
        this.context.log?.(`control peer ${peer.name} (${short(peer.id)}) retired: no probe needs it any more`);
      } catch (error) {
        failures.push(`remove control peer ${peer.name}: ${(error as Error).message}`);
      }
    }
    return failures;
  }

  #answerShared(network: { id: string; name: string }): Promise<ControlPeerAnswer> {
    const under = this.#answering.get(network.id);
    if (under) return under;
    const answer = this.#answer(network).finally(() => {
      if (this.#answering.get(network.id) === answer) this.#answering.delete(network.id);
    });
    this.#answering.set(network.id, answer);
    return answer;
  }

  async #answer(network: { id: string; name: string }): Promise<ControlPeerAnswer> {
    const log = this.context.log ?? (() => undefined);
    const kept = await this.#peers.get(network.id)?.catch(() => undefined);
    if (kept && (await kept.alive())) return kept.answer();
    if (kept) {
      log(
        `control peer ${kept.name} (${short(kept.id)}) on network ${network.name} no longer runs as it answered: replaced`,
      );
      await kept.stop().catch(() => undefined);
    }
    const starting = new ControlPeer(
      network,
      `dockprobe-${this.context.runId}-peer-${++this.#made}`,
      this.context,
    ).start();
    this.#peers.set(network.id, starting);
    try {
      const peer = await starting;
      const answer = peer.answer();
      log(
        `control peer ${peer.name} (${answer.status === 'ready' ? answer.containerId : ''}) answered on network ${network.name} at ${[peer.ready.address, peer.ready.address6].filter(Boolean).join(', ')}`,
      );
      return answer;
    } catch (error) {
      if (this.#peers.get(network.id) === starting) this.#peers.delete(network.id);
      const reason = `dockprobe could not add a control peer to network ${network.name}: ${(error as Error).message}; any running container on ${network.name} is a peer too`;
      log(reason);
      return { status: 'unavailable', network: network.name, reason };
    }
  }
}
