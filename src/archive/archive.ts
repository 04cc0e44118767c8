import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParsedBoard } from '../board/parse/board.js';
import { parseBoard } from '../board/parse/parser.js';
import type { BoardStore } from '../board/store/board-store.js';
import type { TaskRow } from '../board/types.js';
import { errnoCode } from '../errors.js';
import { ensureDir, writeFileAtomic } from '../fs/atomic-write.js';
import { withCcxLock } from '../fs/ccx-lock.js';
import { crashPoint } from '../fs/crash-point.js';

/** Statuses whose rows `ccx archive` moves off the board. */
export const ARCHIVED_STATUSES = new Set(['merged', 'cancelled']);

/** One row as archived: its id and its exact text (from its `- ` line through its trailing blank lines). */
export interface ArchivedRow {
  id: string;
  text: string;
}

export interface ArchiveResult {
  /** The ids that left the board, by archive file. */
  moved: Map<string, string[]>;
  /** Rows that changed on the board while they were being archived: left on the board for the next run. */
  changed: string[];
  /** Rows written in flow style (`{id: …}`), which archive does not cut out of the list. */
  flow: string[];
}

/**
 * Moves the board's merged and cancelled rows (finished before `cutoff`, when given) into
 * `archiveDir/BOARD-<yyyy-mm>.md`, each row's text byte for byte. The archive file is written
 * first, atomically, and idempotently (a row already there is replaced by its current text, never
 * added twice); only then are the rows cut out of BOARD.md by compare-and-swap, and only where their
 * text is still exactly what was archived. A crash between the two leaves the row in both places;
 * readers show the board's copy once, and the next run finishes the move.
 */
export async function archiveRows(store: BoardStore, archiveDir: string, options: { cutoff: Date | null; now: Date }): Promise<ArchiveResult> {
  const read = await store.update(() => null);
  const board = read.board;
  const chosen = board.rows.filter((row) => ARCHIVED_STATUSES.has(row.status) && oldEnough(row, options.cutoff));
  const flow = chosen.filter((row) => board.rowLayouts.get(row.id)?.flow !== false).map((row) => row.id);
  const rows = chosen.filter((row) => !flow.includes(row.id));
  const byFile = new Map<string, ArchivedRow[]>();
  for (const row of rows) {
    const span = rowSpan(board, row.id);
    if (span === null) continue;
    const file = join(archiveDir, `BOARD-${monthOf(row, options.now)}.md`);
    byFile.set(file, [...(byFile.get(file) ?? []), { id: row.id, text: board.body.slice(span.start, span.end) }]);
  }
  const moved = new Map<string, string[]>();
  if (byFile.size === 0) return { moved, changed: [], flow };
  await ensureDir(archiveDir);
  await withCcxLock(join(archiveDir, '.archive.lock'), async () => {
    for (const [file, entries] of byFile) await upsertArchive(file, entries);
    // A row archived before under another month (its finished_at was edited since) leaves that file.
    const ids = new Set([...byFile.values()].flat().map((entry) => entry.id));
    for (const { file } of await readArchives(archiveDir)) if (!byFile.has(file)) await dropFromArchive(file, ids);
  });
  crashPoint('archive:rows-archived:after');
  const archived = new Map([...byFile.values()].flat().map((entry) => [entry.id, entry.text]));
  const changed: string[] = [];
  await store.update((current) => {
    changed.length = 0;
    const edits: Array<{ start: number; end: number }> = [];
    for (const [id, text] of archived) {
      const span = rowSpan(current, id);
      if (span === null) continue;
      if (current.body.slice(span.start, span.end) !== text) changed.push(id);
      else edits.push(span);
    }
    if (edits.length === 0) return null;
    let body = current.body;
    for (const edit of edits.sort((a, b) => b.start - a.start)) body = body.slice(0, edit.start) + body.slice(edit.end);
    return current.bom ? `\uFEFF${body}` : body;
  });
  crashPoint('archive:board-written:after');
  for (const [file, entries] of byFile) {
    const ids = entries.map((entry) => entry.id).filter((id) => !changed.includes(id));
    if (ids.length > 0) moved.set(file, ids);
  }
  return { moved, changed, flow };
}

function oldEnough(row: TaskRow, cutoff: Date | null): boolean {
  if (cutoff === null) return true;
  const finished = row.finishedAt === null ? Number.NaN : Date.parse(row.finishedAt);
  // A row with no (readable) finished_at has no age to keep it: it goes.
  return Number.isNaN(finished) || finished <= cutoff.getTime();
}

function monthOf(row: TaskRow, now: Date): string {
  const finished = row.finishedAt === null ? Number.NaN : Date.parse(row.finishedAt);
  return new Date(Number.isNaN(finished) ? now.getTime() : finished).toISOString().slice(0, 7);
}

/** A block-style row's bytes in `board.body`: from the start of its `- ` line through its last line and the blank lines after it. */
function rowSpan(board: ParsedBoard, id: string): { start: number; end: number } | null {
  const layout = board.rowLayouts.get(id);
  if (layout === undefined || layout.flow) return null;
  const body = board.body;
  const start = body.lastIndexOf('\n', layout.start - 1) + 1;
  let end = layout.end;
  if (end > 0 && body[end - 1] !== '\n') {
    const newline = body.indexOf('\n', end);
    end = newline === -1 ? body.length : newline + 1;
  }
  for (;;) {
    const newline = body.indexOf('\n', end);
    if (newline === -1 || body.slice(end, newline).trim() !== '') break;
    end = newline + 1;
  }
  return { start, end };
}

/** Adds `entries` to an archive file, or replaces an entry of the same id: a rerun never adds a row twice. */
async function upsertArchive(file: string, entries: readonly ArchivedRow[]): Promise<void> {
  const existing = await readArchiveFile(file);
  const rows = existing?.rows ?? [];
  for (const entry of entries) {
    const index = rows.findIndex((row) => row.id === entry.id);
    if (index === -1) rows.push(entry);
    else rows[index] = entry;
  }
  const month = /BOARD-(\d{4}-\d{2})\.md$/.exec(file)?.[1] ?? '';
  const text = renderArchive(month, rows);
  if (existing?.text === text) return;
  await writeFileAtomic(file, text);
}

async function dropFromArchive(file: string, ids: ReadonlySet<string>): Promise<void> {
  const existing = await readArchiveFile(file);
  if (existing === null || !existing.rows.some((row) => ids.has(row.id))) return;
  const month = /BOARD-(\d{4}-\d{2})\.md$/.exec(file)?.[1] ?? '';
  await writeFileAtomic(file, renderArchive(month, existing.rows.filter((row) => !ids.has(row.id))));
}

function renderArchive(month: string, rows: readonly ArchivedRow[]): string {
  const body = rows.map((row) => (row.text.endsWith('\n') ? row.text : `${row.text}\n`)).join('');
  return `# Archived tasks, ${month}\n\nRows \`ccx archive\` moved off BOARD.md, byte for byte. Their ids stay reserved; \`ccx tasks --all\` lists them.\n\n## Tasks\n\n\`\`\`yaml\n${body}\`\`\`\n`;
}

async function readArchiveFile(file: string): Promise<{ text: string; board: ParsedBoard; rows: ArchivedRow[] } | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
  const board = parseBoard(Buffer.from(text, 'utf8'));
  const rows = [...board.rowLayouts.keys()].flatMap((id) => {
    const span = rowSpan(board, id);
    return span === null ? [] : [{ id, text: board.body.slice(span.start, span.end) }];
  });
  return { text, board, rows };
}

/** Every archived board, oldest month first, parsed like BOARD.md. */
export async function readArchives(archiveDir: string): Promise<Array<{ file: string; board: ParsedBoard }>> {
  let names: string[];
  try {
    names = await readdir(archiveDir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  const files = names.filter((name) => /^BOARD-\d{4}-\d{2}\.md$/.test(name)).sort();
  const out: Array<{ file: string; board: ParsedBoard }> = [];
  for (const name of files) {
    const read = await readArchiveFile(join(archiveDir, name));
    if (read !== null) out.push({ file: join(archiveDir, name), board: read.board });
  }
  return out;
}

/** The id numbers the archive holds: they stay reserved. */
export async function archivedNumbers(archiveDir: string): Promise<number[]> {
  return (await readArchives(archiveDir)).flatMap((archive) => archive.board.usedNumbers);
}
