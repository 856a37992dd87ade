import { writeFile } from 'node:fs/promises';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { Baseline } from './baseline.js';

/** Writes a baseline as `snapshot --write` does: JSON, two-space indented, one final newline. */
export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  try {
    await writeFile(file, `${JSON.stringify(baseline, null, 2)}\n`);
  } catch (error) {
    throw new DockprobeError(ErrorCodes.USAGE, `--write ${file}: cannot write the baseline (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
}
