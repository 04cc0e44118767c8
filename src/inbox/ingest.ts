import { lstat, readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { CcxError, errnoCode } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { ensureDirNoFollow } from '../fs/no-follow.js';
import { readStable } from '../fs/stable-read.js';
import { renameIfPresent } from '../fs/rename.js';
import { appendReserved, reserveIds, type IntakeContext, type TaskDraft } from '../intake/add-tasks.js';
import { taskNumberOf } from '../board/index.js';
import type { RowValue } from '../board/edit/index.js';
import { validatePathspecs, type GitRepo } from '../git/index.js';
import { MAX_TITLE_CHARS } from '../board/types.js';
import { printable } from '../text/printable.js';
import { entryName, type EntryName } from './file-name.js';
import { MAX_BODY_BYTES, readSubmission } from './submission.js';
import { rejectionText } from './rejection.js';

export interface InboxContext extends IntakeContext {
  inbox: { inbox: string; accepted: string; rejected: string; processing: string };
  /** CCX_MAX_QUEUE_DEPTH: pending tasks past which a pending submission is rejected. */
  maxQueueDepth: number;
  /** The repository: when given, git checks a submission's scope as it will check the row's (SPEC 3). */
  repo?: GitRepo;
}

export type InboxOutcome =
  | { name: string; status: 'accepted'; id: string; movedTo: string }
  | { name: string; status: 'rejected'; reason: string; movedTo: string }
  /** Not now: the board cannot take rows, or the file is still being written. The file stays and is tried again. */
  | { name: string; status: 'deferred'; reason: string }
  /** Not a submission at all (a folder, a hidden file, a name that tries to leave the inbox); left untouched. */
  | { name: string; status: 'ignored'; reason: string };

const RETRYABLE = ['BOARD_BUSY', 'BOARD_MISSING', 'BOARD_INVALID', 'BOARD_UNREADABLE'];

/** A submission file past this is not read at all. */
export const MAX_SUBMISSION_BYTES = 8 * 1024 * 1024;

/**
 * Ingests every submission in the inbox, and finishes any a crash interrupted. Names are read as
 * bytes: a name that is not UTF-8 is still a file ccx can move, and is filed like any other.
 */
export async function ingestInbox(context: InboxContext): Promise<InboxOutcome[]> {
  const outcomes: InboxOutcome[] = [];
  for (const name of (await names(context.inbox.processing)).sort()) outcomes.push(await finishClaimed(context, name));
  const submissions = (await rawNames(context.inbox.inbox)).filter((entry) => entry.toString('latin1').toLowerCase().endsWith('.md'));
  for (const raw of submissions.sort(Buffer.compare)) outcomes.push(await ingestInboxFile(context, raw));
  return outcomes;
}

/** What the daemon calls for each inbox event: accept, reject with `<name>.error.txt`, or leave for later. */
export async function ingestInboxFile(context: InboxContext, nameOrBytes: string | Buffer): Promise<InboxOutcome> {
  const entry = entryName(nameOrBytes);
  const name = entry.text;
  if (!isPlainName(entry.raw)) return { name, status: 'ignored', reason: `${JSON.stringify(name)} is not a file name inside the inbox; ccx reads only <name>.md files placed directly in ${context.inbox.inbox}.` };
  const path = Buffer.concat([Buffer.from(`${context.inbox.inbox}${sep}`), entry.raw]);
  const kind = await fileKind(path);
  if (kind === 'missing') return { name, status: 'ignored', reason: 'the file is gone (another ccx process took it).' };
  if (kind === 'other') return reject(context, entry, 'it is not a regular file (a folder or a symbolic link); ccx reads only plain .md files.', path);
  if (kind.size > MAX_SUBMISSION_BYTES) {
    return reject(context, entry, `the file is ${mebibytes(kind.size)} MiB; ccx reads submissions up to ${mebibytes(MAX_SUBMISSION_BYTES)} MiB (a title of at most ${MAX_TITLE_CHARS} characters, a body of at most ${MAX_BODY_BYTES / 1024} KiB).`, path);
  }
  const read = await readStable(path);
  if (read.kind === 'empty') return { name, status: 'deferred', reason: 'the file is empty (still being written?); ccx tries again when it changes.' };
  if (read.kind !== 'ok') return { name, status: 'deferred', reason: read.kind === 'unreadable' ? `${read.reason}.` : 'the file vanished while being read.' };
  const board = await context.store.read();
  if (board.kind !== 'ok') return { name, status: 'deferred', reason: `BOARD.md cannot take new rows now: ${board.message}` };
  if (!board.board.valid) return { name, status: 'deferred', reason: 'BOARD.md has a problem that stops ccx from adding rows; fix it and the submission is added.' };
  const submission = readSubmission(read.bytes.toString('utf8'), board.board, placeholderId(board.board.usedNumbers));
  if (!submission.ok) return reject(context, entry, submission.reason, path);
  const rejectedGlob = context.repo === undefined ? null : await pathspecGitRejects(context.repo, submission.row['scope']);
  if (rejectedGlob !== null) return reject(context, entry, `git rejects the scope pathspec ${JSON.stringify(rejectedGlob.glob)}: ${rejectedGlob.error}`, path);
  const pending = board.board.rows.filter((row) => row.status === 'pending').length;
  if (submission.status === 'pending' && pending >= context.maxQueueDepth) {
    return reject(context, entry, `the queue already holds ${pending} pending tasks (CCX_MAX_QUEUE_DEPTH is ${context.maxQueueDepth}); submit it again once some have run, or submit it with \`status: draft\`.`, path);
  }
  await ensureDirNoFollow(context.inbox.inbox, context.inbox.processing);
  const claimedPath = join(context.inbox.processing, entry.filed);
  if (!(await renameIfPresent(path, claimedPath))) return { name, status: 'ignored', reason: 'another ccx process took the file first.' };
  const draft = draftOf(submission);
  let id: string;
  try {
    [id] = (await reserveIds(context, board.board, [draft])) as [string];
  } catch (error) {
    // No id left to give: say so once, beside the file, rather than leave it to be tried forever.
    if (error instanceof CcxError && error.code === 'TASK_ID_INVALID') return reject(context, entry, `${error.message} ${error.hint ?? ''}`.trim(), claimedPath);
    throw error;
  }
  const claimed = `${id}-${entry.filed}`;
  // Another ccx process that started meanwhile took an id-less claim for a crash's leftover and put
  // it back in the inbox: it is that process's now (the id reserved here stays unused).
  if (!(await renameIfPresent(claimedPath, join(context.inbox.processing, claimed)))) return { name, status: 'ignored', reason: 'another ccx process took the file first.' };
  return finishClaimed(context, claimed, { draft, name });
}

/** Appends the row of a claimed file (`.processing/T-<n>-<name>`) unless it is there already, then files it as accepted. */
async function finishClaimed(context: InboxContext, claimed: string, known?: { draft: TaskDraft; name: string }): Promise<InboxOutcome> {
  const match = /^(T-[1-9][0-9]*)-(.+)$/s.exec(claimed);
  if (match === null || taskNumberOf(match[1] as string) === null) return reclaim(context, claimed);
  const [, id, filed] = match as unknown as [string, string, string];
  const name = known?.name ?? filed;
  let draft = known?.draft;
  if (draft === undefined) {
    const read = await readStable(join(context.inbox.processing, claimed));
    const board = await context.store.read();
    if (read.kind !== 'ok' || board.kind !== 'ok') return { name, status: 'deferred', reason: 'the claimed submission or the board cannot be read now.' };
    // Already on the board (the crash came after the row was added): only the filing is left.
    if (!board.board.usedNumbers.includes(Number(id.slice(2)))) {
      const submission = readSubmission(read.bytes.toString('utf8'), board.board, id);
      if (!submission.ok) return reject(context, entryName(filed), submission.reason, join(context.inbox.processing, claimed));
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

/**
 * A file claimed before its id was reserved (a crash in between): put it back in the inbox to start
 * again. It goes back under its filed name, which ingestInboxFile keeps as it is, so this cannot repeat.
 */
async function reclaim(context: InboxContext, name: string): Promise<InboxOutcome> {
  const entry = entryName(name);
  await renameIfPresent(join(context.inbox.processing, name), join(context.inbox.inbox, entry.filed));
  return ingestInboxFile(context, entry.filed);
}

/** Files a submission under rejected/<filed name> beside `<filed name>.error.txt`; both names are safe to type. */
async function reject(context: InboxContext, entry: EntryName, reason: string, from: string | Buffer): Promise<InboxOutcome> {
  await ensureDirNoFollow(context.inbox.inbox, context.inbox.rejected);
  const movedTo = await freeName(context.inbox.rejected, entry.filed);
  if (!(await renameIfPresent(from, movedTo))) return { name: entry.text, status: 'ignored', reason: 'another ccx process took the file first.' };
  await writeFileAtomic(`${movedTo}.error.txt`, rejectionText(printable(entry.text), printable(reason, { multiline: true }), context.inbox.inbox), 0o644);
  return { name: entry.text, status: 'rejected', reason, movedTo };
}

/** An id no row has, to check a submission as a row before its real id is reserved (a used one would read as a duplicate). */
function placeholderId(used: readonly number[]): string {
  const taken = new Set(used);
  let number = 999_999_999;
  while (taken.has(number)) number += 1;
  return `T-${number}`;
}

/** The first scope glob git would reject, so the row is refused now rather than skipped later. */
async function pathspecGitRejects(repo: GitRepo, scope: RowValue | undefined): Promise<{ glob: string; error: string } | null> {
  const globs = (typeof scope === 'string' ? [scope] : Array.isArray(scope) ? scope : typeof scope === 'object' && scope !== null ? Object.values(scope).flat() : []).filter((glob): glob is string => typeof glob === 'string');
  if (globs.length === 0) return null;
  const failed = (await validatePathspecs(repo, globs)).find((check) => !check.ok);
  return failed === undefined || failed.ok ? null : { glob: failed.glob, error: failed.error };
}

function draftOf(submission: Extract<ReturnType<typeof readSubmission>, { ok: true }>): TaskDraft {
  const { id: _id, title, status: _status, ...fields } = submission.row;
  return { title, status: submission.status, fields, brief: submission.brief };
}

/** A name straight inside the inbox (no folder part, not hidden) ending in `.md`; any other byte is fine. */
function isPlainName(raw: Buffer): boolean {
  return raw.length > 0 && !raw.includes(0x2f) && !raw.includes(0) && raw[0] !== 0x2e && raw.toString('latin1').toLowerCase().endsWith('.md');
}

async function fileKind(path: Buffer): Promise<{ size: number } | 'other' | 'missing'> {
  try {
    const stats = await lstat(path);
    return stats.isFile() ? { size: stats.size } : 'other';
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

async function rawNames(folder: string): Promise<Buffer[]> {
  try {
    return (await readdir(folder, { withFileTypes: true, encoding: 'buffer' })).filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}

function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

async function names(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder, { withFileTypes: true })).filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}
