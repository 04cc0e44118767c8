import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TokenUsage } from '../../agents/index.js';
import { errnoCode } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import type { LoopEvent } from '../types.js';
import { requireRunDir } from './files.js';
import { NO_TOKENS, addTokens } from './tokens.js';

/** One agent run: what it cost (claude's total_cost_usd; codex reports none) and its tokens, as its turn.finished event said. */
export type LedgerTurn = Omit<Extract<LoopEvent, { type: 'turn.finished' }>, 'type' | 'signal' | 'message'> & { at: string };

export interface LedgerTotals {
  turns: number;
  costUsd: number;
  tokens: TokenUsage;
}

export interface AttemptLedger {
  task: string;
  attempt: number;
  turns: LedgerTurn[];
  totals: LedgerTotals;
}

export interface TaskLedger {
  task: string;
  attempts: Array<{ attempt: number } & LedgerTotals>;
  totals: LedgerTotals;
}

export const LEDGER_FILE = 'ledger.json';

/** runs/<id>/a<k>/ledger.json, turn by turn, and runs/<id>/ledger.json summed over the attempts. */
export class Ledger {
  private constructor(
    private readonly runDir: string,
    private readonly data: AttemptLedger,
  ) {}

  /** The attempt's ledger, continued from its file when a resumed attempt has one. */
  static async open(runDir: string, task: string, attempt: number): Promise<Ledger> {
    const existing = await readJson<AttemptLedger>(join(runDir, LEDGER_FILE));
    const data = existing !== null && existing.task === task && existing.attempt === attempt ? existing : { task, attempt, turns: [], totals: totalsOf([]) };
    return new Ledger(runDir, data);
  }

  get totals(): LedgerTotals {
    return this.data.totals;
  }

  /** The highest cycle in which an agent turn ran (0 before the first). */
  get lastCycle(): number {
    return Math.max(0, ...this.data.turns.map((turn) => turn.cycle));
  }

  async record(turn: LedgerTurn): Promise<void> {
    this.data.turns.push(turn);
    this.data.totals = totalsOf(this.data.turns);
    await requireRunDir(this.runDir);
    await writeFileAtomic(join(this.runDir, LEDGER_FILE), `${JSON.stringify(this.data, null, 2)}\n`);
    await writeTaskLedger(dirname(this.runDir), this.data.task);
  }
}

function totalsOf(turns: readonly LedgerTurn[]): LedgerTotals {
  return turns.reduce<LedgerTotals>((sum, turn) => ({ turns: sum.turns + 1, costUsd: sum.costUsd + (turn.costUsd ?? 0), tokens: addTokens(sum.tokens, turn.tokens) }), { turns: 0, costUsd: 0, tokens: NO_TOKENS });
}

/** Sums every a<k>/ledger.json of the task into runs/<id>/ledger.json. */
async function writeTaskLedger(taskRunDir: string, task: string): Promise<void> {
  const attempts: TaskLedger['attempts'] = [];
  for (const name of (await readdir(taskRunDir)).filter((entry) => /^a\d+$/.test(entry)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))) {
    const ledger = await readJson<AttemptLedger>(join(taskRunDir, name, LEDGER_FILE));
    if (ledger !== null) attempts.push({ attempt: ledger.attempt, ...ledger.totals });
  }
  const totals = attempts.reduce<LedgerTotals>((sum, item) => ({ turns: sum.turns + item.turns, costUsd: sum.costUsd + item.costUsd, tokens: addTokens(sum.tokens, item.tokens) }), { turns: 0, costUsd: 0, tokens: NO_TOKENS });
  const ledger: TaskLedger = { task, attempts, totals };
  await writeFileAtomic(join(taskRunDir, LEDGER_FILE), `${JSON.stringify(ledger, null, 2)}\n`);
}

/** The task's ledger (runs/<id>/ledger.json), or null before its first turn. */
export async function readTaskLedger(taskRunDir: string): Promise<TaskLedger | null> {
  return readJson<TaskLedger>(join(taskRunDir, LEDGER_FILE));
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || error instanceof SyntaxError) return null;
    throw error;
  }
}

