import { posix } from 'node:path';
import { parseDocument } from 'yaml';
import { appendRowEdits, applyEdits, type NewRow, type RowValue } from '../board/edit/index.js';
import type { ParsedBoard } from '../board/parse/board.js';
import { parseBoard } from '../board/parse/parser.js';
import { tabProblems } from '../board/parse/yaml-block.js';
import { CCX_OWNED_FIELDS, MAX_TITLE_CHARS, type TaskRow } from '../board/types.js';
import { hasAllSections, renderBrief, renderBriefAround } from '../brief/render.js';
import { LineIndex } from '../text/line-index.js';

/** The front matter keys a submission may carry: the person-owned row fields. */
const SUBMISSION_KEYS = ['title', 'scope', 'priority', 'depends_on', 'mode', 'status', 'loops', 'max_cycles', 'min_severity', 'min_confidence', 'model_start', 'max_cost_usd', 'codex_first', 'notes'];
/** A submission's body becomes the brief, which every prompt of the task carries: it is bounded. */
export const MAX_BODY_BYTES = 256 * 1024;
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export type Submission =
  | { ok: true; row: NewRow; status: 'draft' | 'pending'; brief: (id: string) => string }
  | { ok: false; reason: string };

/**
 * Reads an inbox file (SPEC 5): YAML front matter with a title and optional row fields, and a
 * Markdown body that becomes the brief. It is checked exactly as its row would be on `board` (the
 * row is added to a copy of the board in memory and read back), so a submission is never accepted
 * only to be skipped as a bad row.
 */
export function readSubmission(text: string, board: ParsedBoard, placeholderId: string): Submission {
  const match = FRONT_MATTER.exec(text);
  if (match === null) return { ok: false, reason: 'the file has no front matter: it must start with a line `---`, then YAML with at least `title:`, then a line `---`.' };
  const doc = parseDocument(match[1] as string, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const tab = tabProblems(match[1] as string, doc.errors.map((candidate) => candidate.pos[0]))[0];
    if (tab !== undefined) {
      const at = new LineIndex(match[1] as string).position(tab.offset);
      return { ok: false, reason: `the front matter has a tab at line ${at.line + 1}, column ${at.column}: ${tab.message.replace('the Tasks YAML has', 'it has')}` };
    }
    const error = doc.errors[0];
    const where = new LineIndex(match[1] as string).position(error?.pos[0] ?? 0);
    return { ok: false, reason: `the front matter is not valid YAML at line ${where.line + 1}, column ${where.column}: ${error?.message.split('\n')[0] ?? ''}` };
  }
  const fields = doc.toJS({ maxAliasCount: 10 }) as unknown;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return { ok: false, reason: 'the front matter must be YAML fields (`title: …`), not a list or a single value.' };
  const record = fields as Record<string, unknown>;
  if ('id' in record) return { ok: false, reason: `the front matter has \`id: ${String(record['id'])}\`, but ccx assigns ids itself (they are never reused); remove the id line.` };
  for (const key of Object.keys(record)) {
    if ((CCX_OWNED_FIELDS as readonly string[]).includes(key) && key !== 'status') return { ok: false, reason: `the front matter has \`${key}\`, which only ccx writes; remove it.` };
    if (!SUBMISSION_KEYS.includes(key)) return { ok: false, reason: `the front matter has \`${key}\`, which is not a task field; a submission takes ${SUBMISSION_KEYS.join(', ')}.` };
  }
  const title = record['title'];
  if (typeof title !== 'string' || title.trim() === '') return { ok: false, reason: 'the front matter has no title: add `title: <one line saying what to do>`.' };
  if (title.trim().length > MAX_TITLE_CHARS) return { ok: false, reason: `title is ${title.trim().length} characters long; a title is at most ${MAX_TITLE_CHARS} characters (one line: put the rest in the body).` };
  const body = text.slice(match[0].length).trim();
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) return { ok: false, reason: `the body is ${Math.ceil(Buffer.byteLength(body) / 1024)} KiB; the body (the brief) is at most ${MAX_BODY_BYTES / 1024} KiB. Link to longer material instead.` };
  const escaping = scopeLeavingRepository(record['scope']);
  if (escaping !== null) return { ok: false, reason: `scope ${JSON.stringify(escaping)} leaves the repository; a scope names paths inside it, relative to its root (e.g. src/**).` };
  const status = record['status'] ?? 'pending';
  if (status !== 'draft' && status !== 'pending') return { ok: false, reason: `status must be draft or pending (the default), but it is ${JSON.stringify(status)}.` };
  const row: NewRow = { id: placeholderId, title: title.trim(), status };
  for (const key of SUBMISSION_KEYS) if (key !== 'title' && key !== 'status' && record[key] !== undefined) row[key] = record[key] as RowValue;
  const checked = checkAsRow(board, row);
  if ('problem' in checked) return { ok: false, reason: checked.problem };
  return { ok: true, row, status, brief: (id) => briefFor({ ...checked.row, id }, body) };
}

/** The row as the board would read it, or the first problem it would have there. */
function checkAsRow(board: ParsedBoard, row: NewRow): { row: TaskRow } | { problem: string } {
  const withRow = applyEdits(board.body, appendRowEdits(board, [row]), board.bom);
  const reread = parseBoard(withRow);
  const problem = reread.problems.find((candidate) => candidate.task === row.id);
  if (problem !== undefined) return { problem: problem.message.replace(`${row.id}: `, '') };
  const read = reread.rows.find((candidate) => candidate.id === row.id);
  return read === undefined ? { problem: 'the fields do not make a valid task row.' } : { row: read };
}

/** The first scope glob that points outside the repository (an absolute path, or `..` past its root), or null. */
function scopeLeavingRepository(scope: unknown): string | null {
  const globs = typeof scope === 'string' ? [scope] : Array.isArray(scope) ? scope : typeof scope === 'object' && scope !== null ? Object.values(scope).flat() : [];
  for (const glob of globs) {
    if (typeof glob !== 'string') continue;
    // Pathspec magic (`:(glob)`, `:!`, `:/`) comes first; the path is what follows it.
    const path = glob.replace(/^:(\([^)]*\)|[!^/]*)/, '');
    if (!glob.startsWith(':/') && path.startsWith('/')) return glob;
    if (posix.normalize(path).split('/')[0] === '..') return glob;
  }
  return null;
}

function briefFor(row: TaskRow, body: string): string {
  if (body !== '' && hasAllSections(body)) return renderBriefAround(row, body);
  return renderBrief({ ...row, sections: { Goal: body === '' ? row.title : body } });
}
