import type { DrillRow } from './drill-result.js';

/**
 * Holds each text and risk that rows repeat once: a drill's rows are held until its report is written, and the same
 * target tried from each of a hundred sources gives the same reason, risk and attempt, each made anew by its row.
 */
export class SharedRowParts {
  readonly #texts = new Map<string, string>();
  readonly #risks = new Map<string, DrillRow['risk']>();

  /** The row, its texts and its risk the ones held (the first of their kind seen). */
  share(row: DrillRow): DrillRow {
    row.reason = this.#text(row.reason);
    const riskKey = `${row.risk.kind}\n${row.risk.rank}\n${row.risk.name ?? ''}`;
    const risk = this.#risks.get(riskKey);
    if (risk) row.risk = risk;
    else this.#risks.set(riskKey, row.risk);
    if (row.address !== undefined) row.address = this.#text(row.address);
    const e = row.evidence;
    if (e) {
      e.attempt = this.#text(e.attempt);
      if (e.address !== undefined) e.address = this.#text(e.address);
    }
    return row;
  }

  #text(text: string): string {
    const held = this.#texts.get(text);
    if (held !== undefined) return held;
    this.#texts.set(text, text);
    return text;
  }
}
