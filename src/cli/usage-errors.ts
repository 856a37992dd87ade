import damerauLevenshtein from 'damerau-levenshtein';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { COMMANDS, commandsWith, OPTIONS, type OptionName, type OptionSpec } from './option-table.js';
import { displayName } from './scenario-input.js';

// What a wrong command line is told: the command or option meant where one is close, the option and the value
// received. yargs finds most of it; these are its English messages said the house way (another locale's pass as
// yargs wrote them).

/** The candidate closest to `word` by edit distance (a swap of two letters is one edit), if it is close enough. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestSteps = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  for (const candidate of candidates) {
    const { steps } = damerauLevenshtein(word, candidate);
    if (steps <= bestSteps && (best === undefined || steps < bestSteps)) {
      best = candidate;
      bestSteps = steps;
    }
  }
  return best;
}

/** The first word that is no option: the command (no option before it takes a value). */
export function commandWord(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith('-'));
}

/** A command line whose command is none of dockprobe's: refused, with the one meant where one is close. */
export function unknownCommand(word: string): DockprobeError {
  const meant = closest(word, COMMANDS);
  return new DockprobeError(
    ErrorCodes.USAGE,
    `unknown command '${displayName(word)}'${meant ? `; did you mean ${meant}?` : ''}`,
    { hint: `dockprobe --help lists the commands: ${COMMANDS.join(', ')}` },
  );
}

/**
 * The options of `argv` (up to `--`) that `command` does not know, as they were written: `--foo`, `-x`. An unknown
 * option is found before yargs validates anything else: it would take the word after it as its value (a scenario
 * file), and the message would be about the missing file.
 */
export function unknownOptions(argv: readonly string[], known: ReadonlySet<string>): string[] {
  const unknown: string[] = [];
  for (const arg of argv) {
    if (arg === '--') break;
    if (/^-\d/.test(arg) || arg === '-' || !arg.startsWith('-')) continue;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0]!;
      const bare = name.startsWith('no-') ? name.slice(3) : name;
      if (!known.has(name) && !known.has(bare)) unknown.push(`--${name}`);
    } else {
      // `-vq` is -v and -q; letters stop at the first other character (`-t=2s`).
      for (const letter of /^[A-Za-z]*/.exec(arg.slice(1))![0]) if (!known.has(letter)) unknown.push(`-${letter}`);
    }
  }
  return [...new Set(unknown)];
}

/** The usage error for unknown options: the first named, with the option meant or the commands that have it. */
export function unknownOptionError(
  options: readonly string[],
  command: string | undefined,
  known: ReadonlySet<string>,
): DockprobeError {
  const [first] = options as [string, ...string[]];
  const where = command ? ` for dockprobe ${command}` : '';
  const others = options.length > 1 ? ` (and ${options.slice(1).join(', ')})` : '';
  const name = first.replace(/^-+/, '');
  const meant = first.startsWith('--')
    ? closest(
        name,
        [...known].filter((k) => k.length > 1),
      )
    : undefined;
  // An option of other commands (or their one-letter name for it): say which.
  const option = (Object.keys(OPTIONS) as OptionName[]).find((o) =>
    first.startsWith('--') ? o === name : (OPTIONS[o] as OptionSpec).alias === name,
  );
  const elsewhere = option ? commandsWith(option) : [];
  const which = option && !first.startsWith('--') ? `${first} is --${option}, ` : `${first} is `;
  return new DockprobeError(
    ErrorCodes.USAGE,
    `unknown option ${first}${where}${others}${meant ? `; did you mean --${meant}?` : ''}`,
    {
      hint:
        elsewhere.length > 0
          ? `${which}an option of ${elsewhere.map((c) => `dockprobe ${c}`).join(', ')}; dockprobe ${command ? `${command} ` : ''}--help lists this one's`
          : `dockprobe ${command ? `${command} ` : ''}--help lists the options`,
    },
  );
}

/**
 * yargs' English usage messages, said the house way: the option and the value received, with a hint. Undefined for
 * a message it does not know (another locale's, or a new one): that one is shown as yargs wrote it.
 */
export function usageMessage(
  message: string,
  command: string | undefined,
): { message: string; hint?: string } | undefined {
  const help = `dockprobe ${command ? `${command} ` : ''}--help lists the options`;
  let m = /^Not enough arguments following: (\S+)$/.exec(message);
  if (m) return { message: `--${m[1]} needs a value`, hint: help };
  m = /^Missing required arguments?: (.+)$/.exec(message);
  if (m)
    return {
      message: `${m[1]!
        .split(', ')
        .map((k) => `--${k}`)
        .join(', ')} ${m[1]!.includes(', ') ? 'are' : 'is'} required${command ? ` for dockprobe ${command}` : ''}`,
      hint: help,
    };
  m = /^Invalid values:\n\s*Argument: (\S+), Given: (.*), Choices: (.*)$/.exec(message);
  if (m)
    return {
      message: `--${m[1]} must be one of ${m[3]!.replaceAll('"', '')}, got '${m[2]!.replace(/^"|"$/g, '')}'`,
      hint: help,
    };
  m = /^Unknown arguments?: (.+)$/.exec(message);
  if (m) {
    const words = m[1]!.split(', ').map(displayName);
    return {
      message: `unexpected argument${words.length > 1 ? 's' : ''} ${words.map((w) => `'${w}'`).join(', ')}${command ? ` for dockprobe ${command}` : ''}`,
      hint: `dockprobe ${command ? `${command} ` : ''}--help says what it takes`,
    };
  }
  return undefined;
}
