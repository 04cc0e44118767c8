import type { Node } from 'yaml';
import { addFileProblem, emptyBoard, hashBoard, MAX_BOARD_BYTES, type ParsedBoard } from './board.js';
import { checkAcrossRows } from './dependencies.js';
import { layoutOf, type RowLayout } from './layout.js';
import { yamlModule as yaml } from '../../text/yaml-module.js';
import { readRow, readRowFields, type RowReading } from './row.js';
import { scanRow } from './scan-row.js';
import { TasksBlockLocator } from './skeleton.js';
import { RowCache, type CachedRow } from './row-cache.js';
import { splitRows, type RowChunk } from './split-rows.js';
import { parseTasksYaml, type LocalProblem } from './yaml-block.js';

const BOM = '\uFEFF';

interface RowSource {
  reading: RowReading;
  /** Read by this parse: its row object is no other board's yet, so it takes its position in place. */
  fresh: boolean;
  /** Already at its place in the body. */
  layout: RowLayout;
  /** Where offsets in `reading` count from, in the body. */
  base: number;
}

export type { CachedRow } from './row-cache.js';

/**
 * Parses BOARD.md, and parses it again cheaply after small changes: rows are read one by one and
 * cached by their source text, so rewriting one row (what every ccx write does) re-reads that row
 * only. Any row that does not stand on its own (an alias to another row, a flow list) makes the
 * whole block parse as one YAML document, exactly as before any caching.
 */
export class BoardParser {
  private readonly locator = new TasksBlockLocator();
  private readonly rowCache = new RowCache();

  /** Lets rows read by an earlier process stand in for reading them again (see row-cache-file). */
  usePersisted(rows: ReadonlyMap<string, CachedRow>): void {
    this.rowCache.usePersisted(rows);
  }

  /** The rows of the last parse, keyed for a row cache file; null when the file would not change. */
  takePersistable(): Map<string, CachedRow> | null {
    return this.rowCache.takePersistable();
  }

  parse(input: string | Uint8Array): ParsedBoard {
    const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
    const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
    const bom = text.startsWith(BOM);
    const body = bom ? text.slice(1) : text;
    const board = emptyBoard(text, hashBoard(input), bom, body);
    if (size > MAX_BOARD_BYTES) {
      return addFileProblem(board, 0, `BOARD.md is ${(size / 1024 / 1024).toFixed(1)} MiB; ccx reads boards up to ${MAX_BOARD_BYTES / 1024 / 1024} MiB. Move finished rows or long notes elsewhere.`);
    }
    const located = this.locator.locate(body);
    if (!located.ok) return addFileProblem(board, located.offset, located.message);
    board.block = located.block;
    const base = located.block.contentStart;
    const yamlText = body.slice(base, located.block.contentEnd);
    const sources = this.rowsByChunk(yamlText, base) ?? this.rowsByDocument(board, yamlText, base);
    if (sources !== null) collectRows(board, sources);
    return board;
  }

  /** The fast path: each row parsed on its own and cached. Null when the block must be read whole. */
  private rowsByChunk(yamlText: string, blockBase: number): RowSource[] | null {
    const chunks = splitRows(yamlText);
    if (chunks === null) return null;
    const sources: RowSource[] = [];
    this.rowCache.begin();
    for (let index = 0; index < chunks.length; index += 1) {
      const chunk = chunks[index] as RowChunk;
      const base = blockBase + chunk.start;
      let row = this.rowCache.find(index, chunk.text, base);
      const fresh = row === undefined;
      if (row === undefined) {
        const scanned = scanRow(chunk.text, base);
        if (scanned !== null) row = this.rowCache.keep(chunk.text, readRowFields(scanned.shape, scanned.values, index), scanned.layout, base);
        else {
          const read = readChunk(chunk.text, index, base);
          if (read === null) return null;
          row = this.rowCache.keepFromYaml(chunk.text, read.reading, read.layout, base);
        }
      }
      sources.push({ reading: row.reading, fresh, layout: row.layout, base });
    }
    this.rowCache.commit();
    return sources;
  }

  /** The exact path: the whole block as one YAML document. */
  private rowsByDocument(board: ParsedBoard, yamlText: string, base: number): RowSource[] | null {
    const parsed = parseTasksYaml(yamlText);
    if (!parsed.ok) {
      for (const problem of parsed.problems) addFileProblem(board, base + problem.offset, problem.message);
      return null;
    }
    board.flowList = parsed.flow;
    const contents = parsed.doc.contents as Node | null;
    if (parsed.flow && parsed.items.length === 0 && yaml().isSeq(contents) && contents.range !== null && contents.range !== undefined) {
      board.emptyFlowList = { start: base + contents.range[0], end: base + contents.range[1] };
    }
    return parsed.items.map((item, index) => ({ reading: readRow(item, index, parsed.doc), fresh: true, layout: layoutOf(item, base), base }));
  }
}

/** A row parsed by yaml on its own (scanRow reads the everyday forms first); null when it does not stand alone (the block is then read whole). */
function readChunk(text: string, index: number, base: number): CachedRow | null {
  const doc = yaml().parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0 || !yaml().isSeq(doc.contents) || doc.contents.items.length !== 1 || doc.contents.flow === true) return null;
  const item = doc.contents.items[0] as Node;
  try {
    return { reading: readRow(item, index, doc), layout: layoutOf(item, base) };
  } catch {
    // Aliases past the limit: read the block whole, which reports them as a problem.
    return null;
  }
}

function collectRows(board: ParsedBoard, sources: RowSource[]): void {
  const extra = checkAcrossRows(sources.map((source) => source.reading));
  for (let index = 0; index < sources.length; index += 1) {
    const { reading, fresh, layout, base } = sources[index] as RowSource;
    board.layouts.push(layout);
    if (reading.id !== null) board.usedNumbers.push(Number(reading.id.slice(2)));
    const more = extra.get(index);
    const problems: readonly LocalProblem[] = more === undefined ? reading.problems : [...reading.problems, ...more];
    for (const problem of problems) {
      board.problems.push({ ...board.lines.position(base + problem.offset), level: 'row', message: problem.message, task: reading.id });
    }
    if (reading.row === null || problems.length > 0) continue;
    const position = board.lines.position(base + reading.start);
    // A cached row is shared with earlier boards, so it is copied; a fresh one is not yet anyone's.
    if (fresh) reading.row.position = position;
    board.rows.push(fresh ? reading.row : { ...reading.row, position });
    board.rowLayouts.set(reading.row.id, layout);
    board.scopePositions.set(reading.row.id, board.lines.position(base + reading.scopeOffset));
  }
  board.problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Parses BOARD.md once. Never throws on content: every fault becomes a problem with its line and column. */
export function parseBoard(input: string | Uint8Array): ParsedBoard {
  return new BoardParser().parse(input);
}
