import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TokenUsage } from '../../agents/index.js';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import { requireRunDir } from '../artifacts/files.js';
import type { AttemptExit, AttemptTask, Finding, VerdictRecord } from '../types.js';
import { renderHandoff } from './render.js';

/** runs/<id>/a<k>/attempt.json: how the attempt ended, from which the handoff and the commit body are written. */
export interface AttemptSummary {
  task: AttemptTask;
  rung: string;
  worktree: string;
  branch: string;
  base: string;
  head: string;
  exit: AttemptExit;
  mergeable: boolean;
  message: string;
  cycles: number;
  maxCycles: number;
  verdicts: VerdictRecord[];
  unresolved: Finding[];
  skipped: Finding[];
  nextSteps: string[];
  testCommand: string | null;
  testsPassing: boolean | null;
  testLog: string | null;
  outOfScope: string[];
  costUsd: number;
  taskCostUsd: number;
  tokens: TokenUsage;
  /** `git diff --stat` of base..head, bounded. */
  changed: string;
  savedRefs: string[];
  runDir: string;
  endedAt: string;
  /** Set afterwards by the caller: the task's status (merged, blocked…) and the squash commit. */
  status?: string;
  merged?: { sha: string; integration: string };
}

export const SUMMARY_FILE = 'attempt.json';
export const HANDOFF_FILE = '.handoff.md';

/** Where an attempt's handoff goes: runs/<id>/.handoff.md, beside the attempt folders. */
export function handoffPathFor(runDir: string): string {
  return join(dirname(runDir), HANDOFF_FILE);
}

export async function writeSummary(summary: AttemptSummary): Promise<string> {
  await requireRunDir(summary.runDir);
  await writeFileAtomic(join(summary.runDir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  const path = handoffPathFor(summary.runDir);
  await writeFileAtomic(path, renderHandoff(summary));
  return path;
}

/** The summary an attempt left in its run folder, or null. */
export async function readSummary(runDir: string): Promise<AttemptSummary | null> {
  try {
    return JSON.parse(await readFile(join(runDir, SUMMARY_FILE), 'utf8')) as AttemptSummary;
  } catch {
    return null;
  }
}

/** Records what happened after the attempt (the status, the merge) and rewrites runs/<id>/.handoff.md. */
export async function updateHandoff(runDir: string, after: { status?: string; merged?: { sha: string; integration: string } }): Promise<string | null> {
  const summary = await readSummary(runDir);
  if (summary === null) return null;
  return writeSummary({ ...summary, ...after });
}
