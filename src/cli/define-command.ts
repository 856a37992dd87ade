import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';

/**
 * A yargs command whose handler gets the options its builder declares, typed (camelCase names included), so no
 * handler reads `argv` through casts. Handlers import the library pieces they need when they run: a command line
 * loads only what its command uses (`--help` loads no Docker client, no report writer, no zod).
 */
export function defineCommand<U>(module: CommandModule<object, U>): CommandModule<object, U> {
  return module;
}

/** The arguments a handler receives from a builder that returns `Argv<U>`. */
export type ArgsOf<A> = A extends Argv<infer U> ? ArgumentsCamelCase<U> : never;
