import { createHash } from 'node:crypto';
import type { BoardProblem, Position, TaskRow } from '../types.js';
import type { RowLayout } from './layout.js';
import { LineIndex } from '../../text/line-index.js';
import type { TasksBlock } from './locate.js';

export const MAX_BOARD_BYTES = 5 * 1024 * 1024;

/** BOARD.md as read: its exact text, where the Tasks block and each row are, its valid rows and every problem. */
export interface ParsedBoard {
  /** The whole file, BOM included. */
  text: string;
  /** sha256 of the file's bytes: the compare-and-swap key. */
  hash: string;
  bom: boolean;
  /** The text without its BOM; every offset below is into this. */
  body: string;
  lines: LineIndex;
  block: TasksBlock | null;
  /** Every row of the Tasks list, valid or not, in order. */
  layouts: RowLayout[];
  /** Each valid row's layout, by id. */
  rowLayouts: Map<string, RowLayout>;
  /** The source range of a literal `[]` Tasks list, which rows replace when added. */
  emptyFlowList: { start: number; end: number } | null;
  /** Whether the Tasks list is written in flow style (`[...]`). */
  flowList: boolean;
  /** The valid rows, in board order. */
  rows: TaskRow[];
  /** Where each valid row's scope is written, for pathspec problems. */
  scopePositions: Map<string, Position>;
  problems: BoardProblem[];
  /** False when there is a file-level problem: nothing new is dispatched and ccx does not rewrite it. */
  valid: boolean;
  /** The number of every well-formed T-<n> id in the block, valid row or not (ids are never reused). */
  usedNumbers: number[];
}

export function hashBoard(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function emptyBoard(text: string, hash: string, bom: boolean, body: string): ParsedBoard {
  return {
    text,
    hash,
    bom,
    body,
    lines: new LineIndex(body),
    block: null,
    layouts: [],
    rowLayouts: new Map(),
    emptyFlowList: null,
    flowList: false,
    rows: [],
    scopePositions: new Map(),
    problems: [],
    valid: true,
    usedNumbers: [],
  };
}

/** Records a file-level problem: the board is then not valid. */
export function addFileProblem(board: ParsedBoard, offset: number, message: string): ParsedBoard {
  board.valid = false;
  board.problems.push({ ...board.lines.position(offset), level: 'file', message, task: null });
  return board;
}
