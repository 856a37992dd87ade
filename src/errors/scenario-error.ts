import { DockprobeError, ErrorCodes } from './dockprobe-error.js';

/** Where in a scenario file a problem sits; lines and columns count from 1. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** `file:line:col`, the one way a position is written, in messages and reports alike. */
export function formatPosition(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.col}`;
}

/** One problem found in a scenario file. */
export interface ScenarioProblem extends SourcePosition {
  message: string;
  hint?: string | undefined;
}

/** The scenario file is unreadable or invalid; lists every problem found, each at file:line:col. */
export class ScenarioError extends DockprobeError {
  readonly problems: readonly ScenarioProblem[];

  constructor(problems: readonly ScenarioProblem[], options: { cause?: unknown } = {}) {
    super(ErrorCodes.SCENARIO_INVALID, ScenarioError.format(problems), options);
    this.problems = problems;
  }

  /** `file:line:col: message` lines, each followed by its hint. */
  static format(problems: readonly ScenarioProblem[]): string {
    return problems.map((p) => `${formatPosition(p)}: ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`).join('\n');
  }
}
