import type { ParseArgsConfig } from 'node:util';

export type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** What a command may touch of the outside world; tests run the real binary instead of faking this. */
export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTTY: boolean;
  /** Live progress and the daemon's log go to stderr: its own terminal test. */
  stderrIsTTY: boolean;
}

export interface CommandInput {
  values: OptionValues;
  positionals: string[];
  io: CliIO;
}

/** One command's options and behaviour; its name and summary are in commands/index.ts. */
export interface Command {
  /** The synopsis, e.g. `ccx tasks [--status S] [--json]`. */
  usage: string;
  /** Further lines for `ccx <command> --help`: what it does, options, exit codes. */
  details: string;
  options: ParseArgsOptionsConfig;
  positionals: { min: number; max: number };
  /** Resolves to the exit code (0 when omitted). */
  run(input: CommandInput): Promise<number | void>;
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}

export function booleanOption(values: OptionValues, name: string): boolean {
  return values[name] === true;
}
