import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CcxError, errnoCode } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { ensureDirNoFollow } from '../fs/no-follow.js';
import { readStable } from '../fs/stable-read.js';
import { renameIfPresent } from '../fs/rename.js';
import { appendReserved, reserveIds, type IntakeContext, type TaskDraft } from '../intake/add-tasks.js';
import { readSubmission } from './submission.js';
import { rejectionText } from './rejection.js';

export interface InboxContext extends IntakeContext {
  inbox: { inbox: string; accepted: string; rejected: string; processing: string };
  /** CCX_MAX_QUEUE_DEPTH: pending tasks past which a pending submission is rejected. */
  maxQueueDepth: number;
}

export type InboxOutcome =
  | { name: string; status: 'accepted'; id: string; movedTo: string }
  | { name: string; status: 'rejected'; reason: string; movedTo: string }
  /** Not now: the board cannot take rows, or the file is still being written. The file stays and is tried again. */
  | { name: string; status: 'deferred'; reason: string }
  /** Not a submission at all (a folder, a hidden file, a name that tries to leave the inbox); left untouched. */
  | { name: string; status: 'ignored'; reason: string };

const RETRYABLE = ['BOARD_BUSY', 'BOARD_MISSING', 'BOARD_INVALID', 'BOARD_UNREADABLE'];

/** Ingests every submission in the inbox, and finishes any a crash interrupted. */
export async function ingestInbox(context: InboxContext): Promise<InboxOutcome[]> {
  const outcomes: InboxOutcome[] = [];
  for (const name of (await names(context.inbox.processing)).sort()) outcomes.push(await finishClaimed(context, name));
  for (const name of (await names(context.inbox.inbox)).filter((entry) => entry.toLowerCase().endsWith('.md')).sort()) {
    outcomes.push(await ingestInboxFile(context, name));
  }
  return outcomes;
}

/** What the daemon calls for each inbox event: accept, reject with `<name>.error.txt`, or leave for later. */
export async function ingestInboxFile(context: InboxContext, name: string): Promise<InboxOutcome> {
  if (!isPlainName(name)) return { name, status: 'ignored', reason: `${JSON.stringify(name)} is not a file name inside the inbox; ccx reads only <name>.md files placed directly in ${context.inbox.inbox}.` };
  const path = join(context.inbox.inbox, name);
  const kind = await fileKind(path);
  if (kind === 'missing') return { name, status: 'ignored', reason: 'the file is gone (another ccx process took it).' };
  if (kind === 'other') return reject(context, name, 'it is not a regular file (a folder or a symbolic link); ccx reads only plain .md files.');
  const read = await readStable(path);
  if (read.kind === 'empty') return { name, status: 'deferred', reason: 'the file is empty (still being written?); ccx tries again when it changes.' };
  if (read.kind !== 'ok') return { name, status: 'deferred', reason: read.kind === 'unreadable' ? `${read.reason}.` : 'the file vanished while being read.' };
  const board = await context.store.read();
  if (board.kind !== 'ok') return { name, status: 'deferred', reason: `BOARD.md cannot take new rows now: ${board.message}` };
  if (!board.board.valid) return { name, status: 'deferred', reason: 'BOARD.md has a problem that stops ccx from adding rows; fix it and the submission is added.' };
  const submission = readSubmission(read.bytes.toString('utf8'), board.board, 'T-999999999');
  if (!submission.ok) return reject(context, name, submission.reason);
  const pending = board.board.rows.filter((row) => row.status === 'pending').length;
  if (submission.status === 'pending' && pending >= context.maxQueueDepth) {
    return reject(context, name, `the queue already holds ${pending} pending tasks (CCX_MAX_QUEUE_DEPTH is ${context.maxQueueDepth}); submit it again once some have run, or submit it with \`status: draft\`.`);
  }
  await ensureDirNoFollow(context.inbox.inbox, context.inbox.processing);
  if (!(await renameIfPresent(path, join(context.inbox.processing, name)))) return { name, status: 'ignored', reason: 'another ccx process took the file first.' };
  const draft = draftOf(submission);
  const [id] = await reserveIds(context, board.board, [draft]);
  const claimed = `${id as string}-${name}`;
  await renameIfPresent(join(context.inbox.processing, name), join(context.inbox.processing, claimed));
  return finishClaimed(context, claimed, draft);
}

/** Appends the row of a claimed file (`.processing/T-<n>-<name>`) unless it is there already, then files it as accepted. */
async function finishClaimed(context: InboxContext, claimed: string, known?: TaskDraft): Promise<InboxOutcome> {
  const match = /^(T-[1-9][0-9]*)-(.+)$/.exec(claimed);
  if (match === null) return reclaim(context, claimed);
  const [, id, name] = match as unknown as [string, string, string];
  let draft = known;
  if (draft === undefined) {
    const read = await readStable(join(context.inbox.processing, claimed));
    const board = await context.store.read();
    if (read.kind !== 'ok' || board.kind !== 'ok') return { name, status: 'deferred', reason: 'the claimed submission or the board cannot be read now.' };
    // Already on the board (the crash came after the row was added): only the filing is left.
    if (!board.board.usedNumbers.includes(Number(id.slice(2)))) {
      const submission = readSubmission(read.bytes.toString('utf8'), board.board, id);
      if (!submission.ok) return reject(context, name, submission.reason, join(context.inbox.processing, claimed));
      draft = draftOf(submission);
    }
  }
  if (draft !== undefined) {
    try {
      await appendReserved(context, [draft], [id]);
    } catch (error) {
      if (error instanceof CcxError && RETRYABLE.includes(error.code)) return { name, status: 'deferred', reason: `${id} is reserved but not yet on the board: ${error.message}` };
      throw error;
    }
  }
  await ensureDirNoFollow(context.inbox.inbox, context.inbox.accepted);
  const movedTo = await freeName(context.inbox.accepted, claimed);
  await renameIfPresent(join(context.inbox.processing, claimed), movedTo);
  return { name, status: 'accepted', id, movedTo };
}

/** A file claimed before its id was reserved (a crash in between): put it back in the inbox to start again. */
async function reclaim(context: InboxContext, name: string): Promise<InboxOutcome> {
  await renameIfPresent(join(context.inbox.processing, name), join(context.inbox.inbox, name));
  return ingestInboxFile(context, name);
}

async function reject(context: InboxContext, name: string, reason: string, from = join(context.inbox.inbox, name)): Promise<InboxOutcome> {
  await ensureDirNoFollow(context.inbox.inbox, context.inbox.rejected);
  const movedTo = await freeName(context.inbox.rejected, name);
  if (!(await renameIfPresent(from, movedTo))) return { name, status: 'ignored', reason: 'another ccx process took the file first.' };
  await writeFileAtomic(`${movedTo}.error.txt`, rejectionText(name, reason, context.inbox.inbox), 0o644);
  return { name, status: 'rejected', reason, movedTo };
}

function draftOf(submission: Extract<ReturnType<typeof readSubmission>, { ok: true }>): TaskDraft {
  const { id: _id, title, status: _status, ...fields } = submission.row;
  return { title, status: submission.status, fields, brief: submission.brief };
}

function isPlainName(name: string): boolean {
  return name !== '' && !/[/\\\0]/.test(name) && !name.startsWith('.') && name.toLowerCase().endsWith('.md');
}

async function fileKind(path: string): Promise<'file' | 'other' | 'missing'> {
  try {
    return (await lstat(path)).isFile() ? 'file' : 'other';
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 'missing';
    throw error;
  }
}

/** `folder/name`, or `folder/name-2.md`… when a file of that name was filed before: nothing is overwritten. */
async function freeName(folder: string, name: string): Promise<string> {
  const taken = new Set(await names(folder));
  const dot = name.toLowerCase().endsWith('.md') ? name.length - 3 : name.length;
  for (let index = 1; ; index += 1) {
    const candidate = index === 1 ? name : `${name.slice(0, dot)}-${index}${name.slice(dot)}`;
    if (!taken.has(candidate) && !taken.has(`${candidate}.error.txt`)) return join(folder, candidate);
  }
}

async function names(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder, { withFileTypes: true })).filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}
