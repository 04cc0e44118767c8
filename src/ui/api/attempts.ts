import { join } from 'node:path';
import { SEVERITIES } from '../../board/types.js';
import { listFilesInside, listFoldersInside, readTextInside } from './files.js';

/** One turn of an attempt as its files show it: `c2-fix.prompt.md`, `c2-fix.out`, `c2-review.verdict.json`… */
export interface TurnFiles {
  /** The shared stem: `c2-fix`, `c1-review.try2`. */
  name: string;
  cycle: number | null;
  phase: string;
  prompt: string | null;
  output: string | null;
  stderr: string | null;
  verdict: string | null;
  log: string | null;
}

export interface ParsedVerdict {
  file: string;
  verdict: string | null;
  summary: string | null;
  /** Findings by severity; skipped ones (under min_severity or min_confidence) carry `skipped: true`. */
  findings: Record<string, Array<Record<string, unknown>>>;
  next_steps: unknown[];
}

export interface AttemptView {
  n: number;
  files: string[];
  turns: TurnFiles[];
  verdicts: ParsedVerdict[];
  test_logs: string[];
  cost_usd: number | null;
}

const KINDS: ReadonlyArray<[suffix: string, field: keyof Omit<TurnFiles, 'name' | 'cycle' | 'phase'>]> = [
  ['.prompt.md', 'prompt'],
  ['.verdict.json', 'verdict'],
  ['.out', 'output'],
  ['.err', 'stderr'],
  ['.log', 'log'],
];

/** Every attempt folder `runs/<id>/a<n>` of a task, oldest first. */
export async function readAttempts(stateDir: string, id: string): Promise<AttemptView[]> {
  const runDir = join(stateDir, 'runs', id);
  const numbers = (await listFoldersInside(stateDir, runDir)).flatMap((name) => (/^a([1-9][0-9]*)$/.exec(name) === null ? [] : [Number(name.slice(1))])).sort((a, b) => a - b);
  return Promise.all(numbers.map((n) => readAttempt(stateDir, runDir, n)));
}

async function readAttempt(stateDir: string, runDir: string, n: number): Promise<AttemptView> {
  const dir = join(runDir, `a${n}`);
  const files = await listFilesInside(stateDir, dir);
  const turns = new Map<string, TurnFiles>();
  for (const file of files) {
    const kind = KINDS.find(([suffix]) => file.endsWith(suffix));
    if (kind === undefined) continue;
    const name = file.slice(0, -kind[0].length);
    const match = /^c([0-9]+)-([a-z-]+)/.exec(name);
    const turn = turns.get(name) ?? { name, cycle: match === null ? null : Number(match[1]), phase: match?.[2] ?? name, prompt: null, output: null, stderr: null, verdict: null, log: null };
    turn[kind[1]] = file;
    turns.set(name, turn);
  }
  const verdicts: ParsedVerdict[] = [];
  for (const file of files.filter((name) => name.endsWith('.verdict.json'))) {
    const parsed = parseVerdictFile(file, (await readTextInside(stateDir, join(dir, file)))?.text ?? '');
    if (parsed !== null) verdicts.push(parsed);
  }
  const ledger = await readTextInside(stateDir, join(dir, 'ledger.json'));
  return { n, files, turns: [...turns.values()], verdicts, test_logs: files.filter((name) => name.endsWith('.log')), cost_usd: costOf(ledger?.text) };
}

/** A verdict file as the review wrote it (`open` and `skipped` findings), grouped by severity. */
export function parseVerdictFile(file: string, text: string): ParsedVerdict | null {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  const findings: Record<string, Array<Record<string, unknown>>> = Object.fromEntries(SEVERITIES.map((severity) => [severity, []]));
  const add = (list: unknown, skipped: boolean) => {
    for (const finding of Array.isArray(list) ? (list as Array<Record<string, unknown>>) : []) {
      const severity = String(finding['severity'] ?? 'low');
      (findings[severity] ??= []).push({ ...finding, skipped });
    }
  };
  add(value['open'], false);
  add(value['skipped'], true);
  return {
    file,
    verdict: typeof value['verdict'] === 'string' ? value['verdict'] : null,
    summary: typeof value['summary'] === 'string' ? value['summary'] : null,
    findings,
    next_steps: Array.isArray(value['next_steps']) ? value['next_steps'] : [],
  };
}

/** `totals.costUsd` of a ledger.json, or null. */
export function costOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  try {
    const cost = (JSON.parse(text) as { totals?: { costUsd?: unknown } }).totals?.costUsd;
    return typeof cost === 'number' ? cost : null;
  } catch {
    return null;
  }
}
