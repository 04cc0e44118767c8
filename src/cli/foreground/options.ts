import { MAX_CYCLES_LIMIT, MAX_LOOPS, SEVERITIES, DEFAULT_LOOPS, DEFAULT_MAX_CYCLES, DEFAULT_MIN_CONFIDENCE, DEFAULT_MIN_SEVERITY, type LoopMode, type Severity } from '../../board/types.js';
import { UsageError } from '../../errors.js';
import { booleanOption, stringOption, type OptionValues } from '../command.js';

/** What `ccx loop` / `ccx forever` were asked to do, checked. */
export interface ForegroundOptions {
  command: 'loop' | 'forever';
  text: string;
  mode: LoopMode;
  loops: number;
  maxCycles: number;
  minSeverity: Severity;
  minConfidence: number;
  commit: boolean;
  codexFirst: boolean;
}

export const FILTER_OPTIONS = {
  'min-severity': { type: 'string' },
  'min-confidence': { type: 'string' },
  commit: { type: 'boolean' },
  'codex-first': { type: 'boolean' },
} as const;

export function foregroundOptions(command: 'loop' | 'forever', values: OptionValues, positionals: string[]): ForegroundOptions {
  const usage = command === 'loop' ? 'ccx loop [--loops N] [--min-severity L] [--min-confidence N] [--commit] [--duet] [--codex-first] [--conductor] "<task>"' : 'ccx forever [--max-cycles N] [--min-severity L] [--min-confidence N] [--commit] [--codex-first] "<task>"';
  const fail = (message: string) => new UsageError(message, { hint: `Usage: ${usage}` });
  const text = (positionals[0] ?? '').trim();
  if (text === '') throw fail('the task is empty: describe what to do, in quotes.');
  const duet = booleanOption(values, 'duet');
  const conductor = booleanOption(values, 'conductor');
  if (duet && conductor) throw fail('--duet and --conductor cannot be used together: duet has the two agents take turns, conductor gives every turn a fresh session of the same implementer.');
  const loops = whole(stringOption(values, 'loops'), '--loops', DEFAULT_LOOPS, MAX_LOOPS, fail);
  if (duet && loops < 2) throw fail(`--duet needs --loops 2 or more (it ends on two clean reviews in a row by different agents), but --loops is ${loops}.`);
  const severity = stringOption(values, 'min-severity') ?? DEFAULT_MIN_SEVERITY;
  if (!(SEVERITIES as readonly string[]).includes(severity)) throw fail(`--min-severity must be one of ${SEVERITIES.join(', ')}, but it is ${JSON.stringify(severity)}.`);
  const confidenceText = stringOption(values, 'min-confidence');
  const confidence = confidenceText === undefined ? DEFAULT_MIN_CONFIDENCE : Number(confidenceText);
  if (confidenceText !== undefined && (confidenceText.trim() === '' || !Number.isFinite(confidence) || confidence < 0 || confidence > 1)) {
    throw fail(`--min-confidence must be a number from 0 to 1, such as 0.7, but it is ${JSON.stringify(confidenceText)}.`);
  }
  return {
    command,
    text,
    mode: command === 'forever' ? 'forever' : duet ? 'duet' : conductor ? 'conductor' : 'loop',
    loops,
    maxCycles: whole(stringOption(values, 'max-cycles'), '--max-cycles', DEFAULT_MAX_CYCLES, MAX_CYCLES_LIMIT, fail),
    minSeverity: severity as Severity,
    minConfidence: confidence,
    commit: booleanOption(values, 'commit'),
    codexFirst: booleanOption(values, 'codex-first'),
  };
}

function whole(text: string | undefined, flag: string, fallback: number, max: number, fail: (message: string) => UsageError): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > max) throw fail(`${flag} must be a whole number from 1 to ${max}, but it is ${JSON.stringify(text)}.`);
  return Number(text);
}
