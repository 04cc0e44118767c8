import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { ensureDir, fsyncDir, writeFileAtomic } from '../fs/atomic-write.js';
import { renameIfPresent } from '../fs/rename.js';
import type { OpenAsk } from './types.js';

/** The heading a person writes under; everything below it (comments aside) is the answer. */
export const ANSWER_HEADING = '## Answer';
const MARKER = /^<!-- ccx-ask (\{.*\}) -->$/m;
const HINT = '<!-- Write your answer below this line and save (or run: ccx answer TASK "your answer"). -->';

export function asksDir(stateDir: string): string {
  return join(stateDir, 'asks');
}

/** STATE_DIR/asks/T-<n>.md: the open question of T-<n> (one at a time per task). */
export function askFilePath(stateDir: string, task: string): string {
  return join(asksDir(stateDir), `${task}.md`);
}

/** STATE_DIR/asks/answered/T-<n>-<ask id>.md. */
export function answeredFilePath(stateDir: string, task: string, id: string): string {
  return join(asksDir(stateDir), 'answered', `${task}-${id}.md`);
}

/** The file a person answers in: the question, options, context, ccx's best guess, and `## Answer`. */
export function renderAskFile(ask: OpenAsk, timeoutAt: string): string {
  const lines = [
    `<!-- ccx-ask ${JSON.stringify({ id: ask.id, task: ask.task, asked_at: ask.askedAt })} -->`,
    `# ${ask.task} asks you a question`,
    '',
    `Asked ${ask.askedAt}. Unanswered by ${timeoutAt}, the task ends blocked (reason: question).`,
    '',
    '## Question',
    '',
    ask.question.trim(),
    '',
  ];
  if (ask.options.length > 0) lines.push('## Options', '', ...ask.options.map((option) => `- ${option}`), '');
  if (ask.context.trim() !== '') lines.push('## Context', '', ask.context.trim(), '');
  lines.push("## ccx's best guess", '');
  if (ask.guess === null) lines.push('None.', '');
  else lines.push(ask.guess.answer.trim(), '', `Confidence ${ask.guess.confidence}; grounds: ${ask.guess.grounds.trim() || '(none given)'}`, '');
  lines.push(`Why it was not enough: ${ask.notEnough}`, '', ANSWER_HEADING, HINT.replace('TASK', ask.task), '', '');
  return lines.join('\n');
}

export async function writeAskFile(stateDir: string, ask: OpenAsk, timeoutAt: string): Promise<string> {
  const path = askFilePath(stateDir, ask.task);
  await ensureDir(asksDir(stateDir));
  await writeFileAtomic(path, renderAskFile(ask, timeoutAt));
  return path;
}

/** The ask id the file carries, or null when it is not a ccx ask file. */
export function askIdOf(text: string): string | null {
  const match = MARKER.exec(text);
  if (match === null) return null;
  try {
    const value = JSON.parse(match[1] ?? '') as { id?: unknown };
    return typeof value.id === 'string' ? value.id : null;
  } catch {
    return null;
  }
}

/** The text under `## Answer` without HTML comments, trimmed; null while it is empty. */
export function answerIn(text: string): string | null {
  const at = text.search(/^## Answer[ \t]*$/m);
  if (at < 0) return null;
  const below = text.slice(at + ANSWER_HEADING.length).replace(/<!--[\s\S]*?-->/g, '').trim();
  return below === '' ? null : below;
}

/** Writes `answer` under `## Answer` of the open file (what `ccx answer` does); false when there is no open question. */
export async function writeAnswer(stateDir: string, task: string, answer: string): Promise<boolean> {
  const path = askFilePath(stateDir, task);
  const text = await readOrNull(path);
  if (text === null) return false;
  const at = text.search(/^## Answer[ \t]*$/m);
  const head = at < 0 ? `${text.trimEnd()}\n\n` : text.slice(0, at);
  await writeFileAtomic(path, `${head}${ANSWER_HEADING}\n\n${answer.trim()}\n`);
  return true;
}

/** What the person wrote for ask `id`: in the open file, or in the answered one (moved there already). */
export async function readPersonAnswer(stateDir: string, task: string, id: string): Promise<string | null> {
  const answered = await readOrNull(answeredFilePath(stateDir, task, id));
  if (answered !== null) return answerIn(answered);
  const open = await readOrNull(askFilePath(stateDir, task));
  if (open === null || askIdOf(open) !== id) return null;
  return answerIn(open);
}

/** Moves an answered (or expired) question to asks/answered/ (idempotent). */
export async function fileAnswered(stateDir: string, task: string, id: string): Promise<void> {
  const open = await readOrNull(askFilePath(stateDir, task));
  if (open === null || askIdOf(open) !== id) return;
  const target = answeredFilePath(stateDir, task, id);
  await ensureDir(join(asksDir(stateDir), 'answered'));
  if (await renameIfPresent(askFilePath(stateDir, task), target)) await fsyncDir(asksDir(stateDir));
}

/** Tasks with an open question file (for `ccx status` when no daemon runs). */
export async function openAskTasks(stateDir: string): Promise<string[]> {
  try {
    return (await readdir(asksDir(stateDir))).filter((name) => /^T-\d+\.md$/.test(name)).map((name) => name.slice(0, -3));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}
