import { appendRowEdits, setFieldEdits, type NewRow, type TextEdit } from '../edit/index.js';
import { hashBoard, type ParsedBoard } from '../parse/board.js';
import { BoardParser } from '../parse/parser.js';
import type { OwnedFields, TaskRow } from '../types.js';
import { readBoardRecovering } from './read.js';
import { loadRowCache, saveRowCache } from './row-cache-file.js';
import { updateBoard, type BoardEdit, type BoardPaths, type UpdateResult } from './update.js';

export type BoardRead =
  | { kind: 'ok'; board: ParsedBoard }
  | { kind: 'missing' | 'empty' | 'unreadable'; message: string };

const PARSE_CACHE_SIZE = 4;

/**
 * BOARD.md for one STATE_DIR: every read and every write of the daemon and the commands goes
 * through here. Parses are cached by content hash (a write right after a read does not parse twice),
 * and the hash of ccx's own last write is kept so a watcher can ignore its own echo.
 */
export interface BoardStoreOptions {
  /**
   * A row cache file (row-cache-file.ts) for a short-lived process: a command reads most rows from
   * it instead of parsing them again. The daemon keeps its parses in memory and needs none.
   */
  rowCache?: string;
}

export class BoardStore {
  private readonly parser = new BoardParser();
  private readonly parsed = new Map<string, ParsedBoard>();
  private rowCacheLoaded = false;
  private leftoversCleaned = false;
  private writes: Promise<unknown> = Promise.resolve();
  /** The hash of the last content this store wrote. */
  lastWrittenHash: string | null = null;

  constructor(
    readonly paths: BoardPaths,
    private readonly options: BoardStoreOptions = {},
  ) {}

  parse(bytes: Buffer | string): ParsedBoard {
    const hash = hashBoard(bytes);
    const cached = this.parsed.get(hash);
    if (cached !== undefined) return cached;
    const board = this.parser.parse(bytes);
    this.parsed.set(hash, board);
    if (this.parsed.size > PARSE_CACHE_SIZE) this.parsed.delete(this.parsed.keys().next().value as string);
    return board;
  }

  /**
   * Reads the board. A board a killed writer left set aside is put back first (on every read that
   * finds it missing), and the first read also removes dead writers' leftovers, so no command gives
   * advice (such as `ccx init`) about a board that is only aside.
   */
  async read(): Promise<BoardRead> {
    const read = await readBoardRecovering(this.paths.board, { clean: !this.leftoversCleaned });
    this.leftoversCleaned = true;
    switch (read.kind) {
      case 'ok': {
        await this.loadRowCache();
        const board = this.parse(read.bytes);
        await this.saveRowCache();
        return { kind: 'ok', board };
      }
      case 'missing':
        return { kind: 'missing', message: `${this.paths.board} does not exist; run \`ccx init\` to create it.` };
      case 'empty':
        return { kind: 'empty', message: `${this.paths.board} is empty.` };
      case 'unreadable':
        return { kind: 'unreadable', message: `${read.reason}.` };
    }
  }

  private async loadRowCache(): Promise<void> {
    if (this.options.rowCache === undefined || this.rowCacheLoaded) return;
    this.rowCacheLoaded = true;
    this.parser.usePersisted(await loadRowCache(this.options.rowCache));
  }

  private async saveRowCache(): Promise<void> {
    const rows = this.options.rowCache === undefined ? null : this.parser.takePersistable();
    if (rows !== null && this.options.rowCache !== undefined) await saveRowCache(this.options.rowCache, rows);
  }

  /**
   * Writes one edit at a time: this process's own writers (the daemon's workers) take turns here
   * instead of contending for the lock file and redoing each other's compare-and-swap.
   */
  update(edit: BoardEdit): Promise<UpdateResult> {
    const run = async () => {
      const result = await updateBoard(this.paths, edit, (bytes) => this.parse(bytes));
      if (result.changed) this.lastWrittenHash = result.hash;
      return result;
    };
    const next = this.writes.then(run, run);
    this.writes = next.catch(() => undefined);
    return next;
  }

  /** Sets ccx-owned fields of one row (a status transition and its bookkeeping). */
  setFields(id: string, fields: OwnedFields): Promise<UpdateResult> {
    return this.update((board) => withEdits(board, setFieldEdits(board, id, fields)));
  }

  /**
   * Sets ccx-owned fields of several rows in one write; rows that are not (or no longer) valid on
   * the board are left alone. This is how the daemon puts back values a stale editor buffer reverted.
   */
  setMany(changes: ReadonlyMap<string, OwnedFields>): Promise<UpdateResult> {
    return this.update((board) => {
      const edits = [...changes].filter(([id]) => board.rowLayouts.has(id)).flatMap(([id, fields]) => setFieldEdits(board, id, fields));
      return withEdits(board, edits);
    });
  }

  /**
   * Per-row compare-and-swap: `decide` is asked, for each row in `ids` that the board shows, what
   * ccx-owned fields to set ON THE TEXT THE WRITE LANDS ON; after every lost compare-and-swap it is
   * asked again on the fresh text, so a field a person changed meanwhile is decided again (a
   * person's transition is taken), never overwritten with a decision made on an older read.
   * `shown` holds, row by row, the fields the board shows once this resolves (written now, or
   * already there); a row `decide` left alone is not in it.
   */
  async updateRows(ids: readonly string[], decide: (row: TaskRow, board: ParsedBoard) => OwnedFields | null): Promise<UpdateResult & { shown: Map<string, OwnedFields> }> {
    let shown = new Map<string, OwnedFields>();
    const result = await this.update((board) => {
      const written = new Map<string, OwnedFields>();
      shown = written;
      for (const id of ids) {
        const row = board.rows.find((candidate) => candidate.id === id);
        if (row === undefined || !board.rowLayouts.has(id)) continue;
        const fields = decide(row, board);
        if (fields !== null && Object.keys(fields).length > 0) written.set(id, fields);
      }
      return withEdits(board, [...written].flatMap(([id, fields]) => setFieldEdits(board, id, fields)));
    });
    return Object.assign(result, { shown });
  }

  /** Appends the rows `make` returns for the board as it stands at write time (ids are chosen there). */
  async appendRows(make: (board: ParsedBoard) => readonly NewRow[]): Promise<UpdateResult & { rows: readonly NewRow[] }> {
    let rows: readonly NewRow[] = [];
    const result = await this.update((board) => {
      rows = make(board);
      return withEdits(board, appendRowEdits(board, rows));
    });
    return { ...result, rows };
  }
}

/**
 * The edits to `board` as the write applies them: by byte ranges of the file as read, so every
 * byte outside them (one that is not UTF-8 included) stays exactly as it is.
 */
function withEdits(_board: ParsedBoard, edits: TextEdit[]): TextEdit[] | null {
  return edits.length === 0 ? null : edits;
}
