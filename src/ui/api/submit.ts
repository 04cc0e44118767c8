import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { inboxPaths } from '../../config/paths.js';
import { ensureDirNoFollow, writeFileNoFollow } from '../../fs/no-follow.js';
import { readSubmission } from '../../inbox/submission.js';
import { ApiError } from '../server/api-error.js';
import { dashboardDaemon } from './daemon-state.js';
import type { UiRepo } from './repos.js';

/** The JSON fields of a submission: the inbox's front matter keys, `body` (the brief) aside. */
const FIELDS = ['title', 'scope', 'priority', 'depends_on', 'mode', 'status', 'loops', 'max_cycles', 'min_severity', 'min_confidence', 'model_start', 'max_cost_usd', 'codex_first', 'notes'];
/** How long a running daemon gets to ingest the submission before the answer is 202 (still in the inbox). */
export const INGEST_WAIT_MS = 15_000;
const INGEST_POLL_MS = 50;

export type SubmitAnswer = { status: 201; body: { id: string; file: string } } | { status: 202; body: { file: string; message: string } };

/**
 * POST /api/repos/:key/tasks: the JSON becomes an inbox file (SPEC 5) that the daemon ingests with
 * the inbox's own code. It is checked first with that code (readSubmission, the queue depth) so a
 * submission that would be rejected is answered at once (422, 429) and never written. With a
 * daemon running the answer waits for the ingest: 201 with the id, or 422/429 with the reason of
 * its `.error.txt`; without one it is 202 with the file's name (`ccx inbox` or the next daemon takes it).
 */
export async function submitTask(repo: UiRepo, input: unknown, maxQueueDepth: number, dataRoot: string): Promise<SubmitAnswer> {
  const text = submissionText(input);
  const read = await repo.store.read();
  if (read.kind !== 'ok') throw new ApiError(409, 'BOARD_UNREADABLE', `${read.message} A submission waits in the inbox until the board can take rows; fix BOARD.md first.`);
  const checked = readSubmission(text, read.board, 'T-999999999');
  if (!checked.ok) throw new ApiError(422, 'SUBMISSION_REJECTED', checked.reason);
  const pending = read.board.rows.filter((row) => row.status === 'pending').length;
  if (checked.status === 'pending' && pending >= maxQueueDepth) throw queueFull(pending, maxQueueDepth);
  const inbox = inboxPaths(repo.config.repo);
  const file = `ui-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.md`;
  await ensureDirNoFollow(repo.config.repo, inbox.inbox);
  // Written under a name the inbox ignores, then renamed: the daemon never reads half a file.
  const temp = join(inbox.inbox, `.${file}.tmp`);
  await writeFileNoFollow(repo.config.repo, temp, text);
  await rename(temp, join(inbox.inbox, file));
  if ((await dashboardDaemon(dataRoot)) === null) return { status: 202, body: { file, message: `written to ${inbox.inbox}; no daemon runs, so it is ingested when one starts (or run \`ccx inbox\`).` } };
  return waitForIngest(inbox, file);
}

async function waitForIngest(inbox: ReturnType<typeof inboxPaths>, file: string): Promise<SubmitAnswer> {
  const deadline = Date.now() + INGEST_WAIT_MS;
  while (Date.now() < deadline) {
    const accepted = (await readdir(inbox.accepted).catch(() => [] as string[])).find((name) => name.endsWith(`-${file}`) && /^T-[1-9][0-9]*-/.test(name));
    if (accepted !== undefined) return { status: 201, body: { id: /^(T-[1-9][0-9]*)-/.exec(accepted)?.[1] as string, file } };
    const error = await readFile(join(inbox.rejected, `${file}.error.txt`), 'utf8').catch(() => null);
    if (error !== null) {
      const reason = /^Why: (.*)$/m.exec(error)?.[1] ?? error;
      if (reason.includes('CCX_MAX_QUEUE_DEPTH')) throw new ApiError(429, 'QUEUE_FULL', reason, { file });
      throw new ApiError(422, 'SUBMISSION_REJECTED', reason, { file });
    }
    await new Promise((resolve) => setTimeout(resolve, INGEST_POLL_MS));
  }
  return { status: 202, body: { file, message: 'written to the inbox; the daemon has not ingested it yet.' } };
}

function queueFull(pending: number, depth: number): ApiError {
  return new ApiError(429, 'QUEUE_FULL', `the queue already holds ${pending} pending tasks (CCX_MAX_QUEUE_DEPTH is ${depth}); submit it again once some have run, or submit it as a draft.`);
}

/** The inbox file for a JSON submission: front matter of the known fields, then `body`. */
export function submissionText(input: unknown): string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ApiError(422, 'SUBMISSION_REJECTED', 'send a JSON object such as {"title": "…", "body": "…"}.');
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'body' && !FIELDS.includes(key)) throw new ApiError(422, 'SUBMISSION_REJECTED', `${JSON.stringify(key)} is not a submission field; send ${[...FIELDS, 'body'].join(', ')}.`);
  }
  const body = record['body'] ?? '';
  if (typeof body !== 'string') throw new ApiError(422, 'SUBMISSION_REJECTED', '`body` must be text (Markdown: it becomes the brief).');
  const fields: Record<string, unknown> = {};
  for (const key of FIELDS) if (record[key] !== undefined && record[key] !== null && record[key] !== '') fields[key] = record[key];
  // A list of globs is the include list, as `scope: [src/**]` reads in a submission file too.
  return `---\n${stringify(fields).trimEnd()}\n---\n${body}\n`;
}
