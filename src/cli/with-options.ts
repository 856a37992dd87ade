import type { Argv, Options } from 'yargs';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { DURATION_HINT, parseDuration } from '../scenario/duration.js';
import {
  COMMAND_OPTIONS,
  type CommandName,
  OPTIONS,
  type OptionName,
  type OptionSpec,
  optionFor,
} from './option-table.js';
import { STDIN_ARG } from './scenario-input.js';

/** What a handler receives for an option of this spec: durations in milliseconds, lists as given (one per flag). */
type ValueOf<S> = S extends { kind: 'flag' }
  ? boolean
  : S extends { kind: 'count'; default: number }
    ? number
    : S extends { kind: 'count' | 'duration' }
      ? number | undefined
      : S extends { kind: 'list' }
        ? string[] | undefined
        : S extends { kind: 'choice'; choices: readonly (infer C)[]; default: string }
          ? C
          : S extends { kind: 'choice'; choices: readonly (infer C)[] }
            ? C | undefined
            : string | undefined;

/** The options of a command, by name, as its handler receives them. */
export type OptionValues<C extends CommandName> = {
  [N in (typeof COMMAND_OPTIONS)[C][number]]: ValueOf<(typeof OPTIONS)[N]>;
};

/**
 * Declares a command's options from the table, in its order, and converts what yargs parsed before any handler
 * runs: a number or a duration is checked and becomes a number, a value option given twice is refused, a list is
 * always a list. A bad value is a usage error (exit 2) naming the option and the value received.
 */
export function withOptions<T, C extends CommandName>(yargs: Argv<T>, command: C): Argv<T & OptionValues<C>> {
  const names: readonly OptionName[] = COMMAND_OPTIONS[command];
  let y = yargs as Argv<unknown>;
  for (const name of names) {
    const spec = optionFor(name, command);
    y = y.option(name, yargsOption(spec));
    // Parsed as text (the value received stays as given, for the message that refuses it), shown as a number.
    if (spec.kind === 'count') y = y.number(name);
  }
  const lists = names.filter((n) => OPTIONS[n].kind === 'list');
  return y.middleware((argv) => convertOptions(argv, command, names, lists), true) as Argv<T & OptionValues<C>>;
}

function yargsOption(spec: OptionSpec & { required?: boolean }): Options {
  const common: Options = {
    describe: spec.describe,
    ...(spec.alias ? { alias: spec.alias } : {}),
    ...(spec.defaultDescription !== undefined ? { defaultDescription: spec.defaultDescription } : {}),
    ...(spec.required ? { demandOption: true } : {}),
  };
  switch (spec.kind) {
    case 'flag':
      return { ...common, type: 'boolean', default: spec.default };
    case 'list':
      // One value per flag: `--project a file.yml` leaves file.yml a file.
      return { ...common, type: 'string', array: true, nargs: 1 };
    case 'choice':
      return {
        ...common,
        type: 'string',
        requiresArg: true,
        choices: spec.choices,
        ...(spec.default !== undefined ? { default: spec.default } : {}),
      };
    case 'count':
      return {
        ...common,
        type: 'string',
        requiresArg: true,
        ...(spec.default !== undefined ? { default: spec.default } : {}),
      };
    default:
      return { ...common, type: 'string', requiresArg: true };
  }
}

/** yargs' names for an option: as given, camelCase, its alias. */
function keysOf(name: OptionName): string[] {
  const spec: OptionSpec = OPTIONS[name];
  const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return [...new Set([name, camel, ...(spec.alias ? [spec.alias] : [])])];
}

function convertOptions(
  argv: Record<string, unknown>,
  command: CommandName,
  names: readonly OptionName[],
  lists: readonly OptionName[],
): void {
  for (const name of names) {
    const value = argv[name];
    if (value === undefined) continue;
    const converted = convertOption(name, optionFor(name, command), value, lists);
    for (const key of keysOf(name)) argv[key] = converted;
  }
}

/** One option's value, checked at the boundary. */
export function convertOption(
  name: OptionName,
  spec: OptionSpec,
  value: unknown,
  lists: readonly OptionName[] = [],
): unknown {
  if (spec.kind === 'flag') return value;
  if (spec.kind === 'list') {
    const values = (Array.isArray(value) ? value : [value]).map(String);
    if (values.includes(STDIN_ARG)) throw usage(`--${name} takes values, got '-'`);
    return values;
  }
  if (Array.isArray(value)) {
    const several = lists.map((k) => `--${k}`);
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--${name} was given ${value.length} times (${value.map((v) => `'${String(v)}'`).join(', ')}); give it once`,
      {
        hint:
          several.length > 0
            ? `here only ${several.join(', ')} take${several.length === 1 ? 's' : ''} several values`
            : 'no option of this command takes several values',
      },
    );
  }
  if (value === STDIN_ARG) throw usage(`--${name} takes a value, got '-'`);
  switch (spec.kind) {
    case 'count':
      // A default is a number already; what was typed is text.
      return typeof value === 'number' ? value : countValue(name, String(value), spec.min, spec.max);
    case 'duration':
      return durationValue(name, String(value));
    default:
      return value;
  }
}

/** A whole number within bounds, as typed: `0x10`, `1e3` and `` are no whole numbers. */
export function countValue(name: string, text: string, min: number, max: number): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw usage(`--${name} must be a whole number from ${min} to ${max}, got '${text}'`);
  return n;
}

/** A duration in milliseconds, as typed. */
export function durationValue(name: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new DockprobeError(ErrorCodes.USAGE, `--${name} must be a duration from 1ms to 10m, got '${text}'`, {
      hint: DURATION_HINT,
    });
  return ms;
}

function usage(message: string): DockprobeError {
  return new DockprobeError(ErrorCodes.USAGE, message);
}
