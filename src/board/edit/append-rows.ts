import { CcxError } from '../../errors.js';
import type { ParsedBoard } from '../parse/board.js';
import { renderRow, type RowValue } from './render.js';
import type { TextEdit } from './splice.js';

export type NewRow = Record<string, RowValue | undefined> & { id: string; title: string; status: string };

/**
 * The edit that adds rows at the end of the Tasks block, just before its closing fence, in the
 * block's own indentation, line endings and row spacing. Every other byte stays.
 */
export function appendRowEdits(board: ParsedBoard, rows: readonly NewRow[]): TextEdit[] {
  const block = board.block;
  if (block === null || rows.length === 0) return [];
  const eol = block.eol;
  if (board.flowList) {
    const empty = board.emptyFlowList;
    if (empty === null) {
      throw new CcxError('BOARD_INVALID', 'the Tasks list is written in flow style ([...]); ccx adds rows only to a block list.', {
        hint: 'Rewrite the list with one `- id: T-<n>` row per line, then try again.',
      });
    }
    // A literal `[]` is replaced by the rows themselves.
    const text = rows.map((row) => renderRow(row, '', eol)).join(eol);
    return [{ start: empty.start, end: empty.end, text: text.slice(0, text.length - eol.length) }];
  }
  const gap = rowGap(board) ? eol : '';
  const indent = dashIndent(board);
  const hasRows = board.layouts.length > 0;
  const text = rows.map((row, index) => (index > 0 || hasRows ? gap : '') + renderRow(row, indent, eol)).join('');
  return [{ start: block.contentEnd, end: block.contentEnd, text }];
}

/** The whitespace before the first row's `-` (none when the block has no rows yet). */
function dashIndent(board: ParsedBoard): string {
  const first = board.layouts[0];
  if (first === undefined) return '';
  const dash = board.body.lastIndexOf('-', first.start);
  const lineStart = board.body.lastIndexOf('\n', dash) + 1;
  const before = board.body.slice(lineStart, dash);
  return /^[ \t]*$/.test(before) ? before : '';
}

/** Whether rows are separated by a blank line: as the last row is from the one before, or (one row) as ccx-loop writes. */
function rowGap(board: ParsedBoard): boolean {
  const last = board.layouts[board.layouts.length - 1];
  if (last === undefined) return false;
  if (board.layouts.length === 1) return true;
  const dash = board.body.lastIndexOf('-', last.start);
  const lineStart = board.body.lastIndexOf('\n', dash) + 1;
  const previousLineStart = board.body.lastIndexOf('\n', lineStart - 2) + 1;
  return /^[ \t]*\r?\n$/.test(board.body.slice(previousLineStart, lineStart));
}
