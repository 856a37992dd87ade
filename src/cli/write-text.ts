import { writeFile } from 'node:fs/promises';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';

/** Writes a file a command was asked to write; a failure names the option and the path. */
export async function writeText(path: string, text: string, option: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `${option} ${path}: cannot write it (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: error },
    );
  }
}
