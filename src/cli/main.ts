import { parseArgs } from 'node:util';
import { CcxError, UsageError } from '../errors.js';
import type { CliIO, Command, OptionValues } from './command.js';
import { commands, hiddenCommands, type CommandEntry } from './commands/index.js';
import { didYouMean } from '../text/did-you-mean.js';
import { printable } from '../text/printable.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** The only place that turns errors into messages and exit codes. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0) return main([...rest.slice(0, 1), '--help'], io);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(globalHelp());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${await packageVersion()}\n`);
    return EXIT_OK;
  }
  const entry = [...commands, ...hiddenCommands].find((candidate) => candidate.name === name);
  try {
    if (entry === undefined) {
      const guess = didYouMean(name, commands.map((candidate) => candidate.name));
      throw new UsageError(guess === null ? `unknown command ${JSON.stringify(name)}.` : `unknown command ${name}: did you mean ${guess}?`, { hint: 'Run `ccx --help` for the list of commands.' });
    }
    const command = await entry.load();
    const parsed = parseCommandLine(command, rest);
    if (parsed === 'help') {
      io.stdout(commandHelp(entry, command));
      return EXIT_OK;
    }
    const code = await command.run({ ...parsed, io });
    return code ?? EXIT_OK;
  } catch (error) {
    return reportError(error, entry, io);
  }
}

function parseCommandLine(command: Command, args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...command.options, ...HELP_OPTION }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(optionProblem(command, (error as Error).message), { hint: `Usage: ${command.usage}` });
  }
  const values = parsed.values as OptionValues;
  if (values['help'] === true) return 'help' as const;
  const { min, max } = command.positionals;
  if (parsed.positionals.length < min) {
    throw new UsageError(`needs ${min === max ? min : `at least ${min}`} argument${min === 1 ? '' : 's'}.`, {
      hint: `Usage: ${command.usage}`,
    });
  }
  if (parsed.positionals.length > max) {
    throw new UsageError(`takes ${max === 0 ? 'no arguments' : `at most ${max}`}, but got ${JSON.stringify(parsed.positionals.slice(max).join(' '))}.`, {
      hint: `Usage: ${command.usage}${max > 0 ? ' (quote a title that has spaces)' : ''}`,
    });
  }
  delete values['help'];
  return { values, positionals: parsed.positionals };
}

/** parseArgs's complaint, with the option the person probably meant when one is near. */
function optionProblem(command: Command, message: string): string {
  const unknown = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
  const guess = unknown === undefined ? null : didYouMean(unknown.replace(/^--?/, ''), Object.keys({ ...command.options, ...HELP_OPTION }));
  if (guess !== null) return `unknown option ${unknown ?? ''}: did you mean --${guess}?`;
  return message.replace(/\. To specify a positional argument.*$/s, '.');
}

function reportError(error: unknown, entry: CommandEntry | undefined, io: CliIO): number {
  const prefix = entry === undefined ? 'ccx' : `ccx ${entry.name}`;
  if (error instanceof CcxError) {
    io.stderr(`${prefix}: ${printable(error.message, { multiline: true })}\n`);
    if (error.hint !== undefined) io.stderr(`  ${error.hint}\n`);
    return error.code === 'USAGE' ? EXIT_USAGE : EXIT_FAILURE;
  }
  const detail = error instanceof Error ? (io.env['CCX_LOG_LEVEL'] === 'debug' ? (error.stack ?? error.message) : error.message) : String(error);
  io.stderr(`${prefix}: unexpected error: ${detail}\n`);
  io.stderr('  This is a bug in ccx. Run again with CCX_LOG_LEVEL=debug for the stack trace, and report it.\n');
  return EXIT_FAILURE;
}

export function globalHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    'ccx: turns the tasks in BOARD.md into implemented, reviewed and merged work.',
    '',
    'Usage: ccx <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `ccx help <command>` (or `ccx <command> --help`) for a command\'s options, `ccx --version` for the version.',
    'Exit codes: 0 success, 1 failure, 2 usage error, 130 stopped by Ctrl-C.',
    '',
  ].join('\n');
}

export function commandHelp(entry: CommandEntry, command: Command): string {
  return [`Usage: ${command.usage}`, '', entry.summary, '', command.details.trimEnd(), ''].join('\n');
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
