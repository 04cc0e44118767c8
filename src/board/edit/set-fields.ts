import { CcxError } from '../../errors.js';
import type { ParsedBoard } from '../parse/board.js';
import type { PairLayout, RowLayout } from '../parse/layout.js';
import { CCX_OWNED_FIELDS, type OwnedFields, type OwnedValue } from '../types.js';
import { renderScalar } from './render.js';
import type { TextEdit } from './splice.js';

/**
 * The edits that set ccx-owned fields of one row in place: an existing value's source range is
 * replaced (keeping its quoting style and any comment after it); a field the row lacks goes at the
 * end of the row. Nothing else in the file changes.
 */
export function setFieldEdits(board: ParsedBoard, id: string, fields: OwnedFields): TextEdit[] {
  const layout = board.rowLayouts.get(id);
  if (layout === undefined) {
    throw new CcxError('TASK_NOT_FOUND', `BOARD.md has no valid row ${id} to update.`, { hint: 'Check the id with `ccx tasks`.' });
  }
  const edits: TextEdit[] = [];
  const missing: Array<[string, OwnedValue]> = [];
  for (const [key, value] of Object.entries(fields) as Array<[string, OwnedValue | undefined]>) {
    if (value === undefined) continue;
    if (!(CCX_OWNED_FIELDS as readonly string[]).includes(key)) throw new Error(`ccx does not write the person-owned field ${key}`);
    const pair = layout.pairs.find((candidate) => candidate.key === key);
    // ccx never adds a bookkeeping field whose value is null: it leaves the key out, or takes its own out.
    if (value === null) {
      const edit = pair === undefined ? null : (removePair(board, layout, pair) ?? replaceValue(board, pair, value));
      if (edit !== null) edits.push(edit);
    } else if (pair === undefined) missing.push([key, value]);
    else {
      const edit = replaceValue(board, pair, value);
      if (edit !== null) edits.push(edit);
    }
  }
  if (missing.length > 0) edits.push(appendFields(board, layout, missing));
  return edits;
}

/**
 * The edit that takes a pair out of its row: its whole line in a block row, `, key: value` in a
 * flow row. Null (write the value instead) for the row's first pair, which carries the `- `.
 */
function removePair(board: ParsedBoard, layout: RowLayout, pair: PairLayout): TextEdit | null {
  const index = layout.pairs.indexOf(pair);
  const previous = layout.pairs[index - 1];
  if (index <= 0 || previous === undefined) return null;
  const valueEnd = pair.value?.end ?? pair.keyEnd;
  if (layout.flow) return { start: previous.value?.end ?? previous.keyEnd, end: valueEnd, text: '' };
  const lineStart = board.body.lastIndexOf('\n', pair.keyStart - 1) + 1;
  // Only a pair alone on its lines goes whole; anything else sharing them stays.
  if (board.body.slice(lineStart, pair.keyStart).trim() !== '') return null;
  const end = board.body[valueEnd - 1] === '\n' ? valueEnd : lineEndAfter(board.body, valueEnd);
  const rest = board.body.slice(valueEnd, end).trim();
  if (rest !== '' && !rest.startsWith('#')) return null;
  return { start: lineStart, end, text: '' };
}

function replaceValue(board: ParsedBoard, pair: PairLayout, value: OwnedValue): TextEdit | null {
  const start = pair.value?.start ?? afterColon(board.body, pair.keyEnd);
  const end = pair.value?.end ?? start;
  const old = board.body.slice(start, end);
  const style = pair.value?.style;
  const rendered = renderScalar(value, style === 'QUOTE_DOUBLE' || style === 'QUOTE_SINGLE' ? style : 'PLAIN');
  // A block value (`|` text, a nested list) ends with its line break; the replacement must keep one.
  const lineBreak = /\r?\n$/.exec(old)?.[0] ?? '';
  const spacer = old === '' && board.body[start - 1] === ':' ? ' ' : '';
  const text = `${spacer}${rendered}${lineBreak}`;
  return text === old ? null : { start, end, text };
}

function appendFields(board: ParsedBoard, layout: RowLayout, fields: Array<[string, OwnedValue]>): TextEdit {
  const lastEnd = Math.max(...layout.pairs.map((pair) => pair.value?.end ?? pair.keyEnd));
  if (layout.flow) {
    return { start: lastEnd, end: lastEnd, text: fields.map(([key, value]) => `, ${key}: ${renderScalar(value)}`).join('') };
  }
  const eol = board.block?.eol ?? '\n';
  const at = board.body[lastEnd - 1] === '\n' ? lastEnd : lineEndAfter(board.body, lastEnd);
  const prefix = at === 0 || board.body[at - 1] === '\n' ? '' : eol;
  const indent = pairIndent(board.body, layout);
  return { start: at, end: at, text: prefix + fields.map(([key, value]) => `${indent}${key}: ${renderScalar(value)}${eol}`).join('') };
}

/** The whitespace before a row's keys, taken from a key that is not the one after `- `. */
function pairIndent(body: string, layout: RowLayout): string {
  const sample = layout.pairs[1]?.keyStart ?? layout.pairs[0]?.keyStart ?? layout.start;
  const lineStart = body.lastIndexOf('\n', sample - 1) + 1;
  return body.slice(lineStart, sample).replace(/[^\t]/g, ' ');
}

function afterColon(body: string, keyEnd: number): number {
  const colon = body.indexOf(':', keyEnd);
  return colon === -1 ? keyEnd : colon + 1;
}

function lineEndAfter(body: string, offset: number): number {
  const newline = body.indexOf('\n', offset);
  return newline === -1 ? body.length : newline + 1;
}
