import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { VERDICT_CODES } from '../checks/verdict-codes.js';
import type { VerdictCode } from '../judge/verdict.js';
import { BASELINE_FORMAT, BASELINE_VERSION, type Baseline } from './baseline.js';

const pathSchema = z.object({
  source: z.string(),
  target: z.string(),
  state: z.enum(['open', 'closed', 'unknown']),
  code: z.enum(Object.keys(VERDICT_CODES) as [VerdictCode, ...VerdictCode[]]),
  evidence: z.object({ observed: z.string(), latencyMs: z.optional(z.nullable(z.number())) }),
});

const baselineSchema = z.object({
  format: z.literal(BASELINE_FORMAT),
  version: z.literal(BASELINE_VERSION),
  createdAt: z.string(),
  engine: z.object({ version: z.string(), apiVersion: z.string() }),
  compose: z.array(z.string()),
  scenarios: z.array(z.string()),
  digest: z.string(),
  paths: z.array(pathSchema),
});

/**
 * Reads a baseline written by `dockprobe snapshot`, validated at the boundary: another format, another version or a
 * malformed entry is an input error naming the file and the first problem (exit 2), never a drift of everything.
 */
export async function readBaseline(file: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--baseline ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { hint: 'write one with: dockprobe snapshot SCENARIO --write FILE', cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DockprobeError(ErrorCodes.USAGE, `--baseline ${file}: not JSON (${(error as Error).message})`, {
      hint: 'a baseline is the JSON file dockprobe snapshot --write wrote',
    });
  }
  const format = (json as { format?: unknown; version?: unknown } | null)?.format;
  const version = (json as { version?: unknown } | null)?.version;
  if (format !== BASELINE_FORMAT || version !== BASELINE_VERSION) {
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--baseline ${file}: format ${JSON.stringify(format)} version ${JSON.stringify(version)}, expected "${BASELINE_FORMAT}" version ${BASELINE_VERSION}`,
      {
        hint: 'write it again with this dockprobe: dockprobe snapshot SCENARIO --write FILE',
      },
    );
  }
  const parsed = baselineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--baseline ${file}: at ${issue.path.join('.') || 'the top'}: ${issue.message}`,
      { hint: 'a baseline is written by dockprobe snapshot --write; edit it only by writing it again' },
    );
  }
  return parsed.data as Baseline;
}
