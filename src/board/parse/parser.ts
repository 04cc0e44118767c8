import { createHash } from 'node:crypto';
import { isSeq, parseDocument, type Node } from 'yaml';
import { addFileProblem, emptyBoard, hashBoard, MAX_BOARD_BYTES, type ParsedBoard } from './board.js';
import { checkAcrossRows } from './dependencies.js';
import { layoutOf, shiftLayout, type RowLayout } from './layout.js';
import { readRow, readRowFields, type RowReading } from './row.js';
import { scanRow } from './scan-row.js';
import { TasksBlockLocator } from './skeleton.js';
import { splitRows } from './split-rows.js';
import { parseTasksYaml, type LocalProblem } from './yaml-block.js';

const BOM = '\uFEFF';

/** One row as read, with offsets counted from the start of its own source. */
export interface CachedRow {
  reading: RowReading;
  layout: RowLayout;
}

interface RowSource {
  reading: RowReading;
  layout: RowLayout;
  /** Where offsets in `reading` count from, in the body. */
  base: number;
}

/**
 * Parses BOARD.md, and parses it again cheaply after small changes: rows are read one by one and
 * cached by their source text, so rewriting one row (what every ccx write does) re-reads that row
 * only. Any row that does not stand on its own (an alias to another row, a flow list) makes the
 * whole block parse as one YAML document, exactly as before any caching.
 */
export class BoardParser {
  private readonly locator = new TasksBlockLocator();
  private rowCache = new Map<string, CachedRow>();
  /** Rows an earlier process read (a row cache file), by `persistedKey`. */
  private persisted: ReadonlyMap<string, CachedRow> = new Map();
  /** Whether a parse read rows that `persisted` lacks. */
  private readFreshRows = false;

  /** Lets rows read by an earlier process stand in for reading them again (see row-cache-file). */
  usePersisted(rows: ReadonlyMap<string, CachedRow>): void {
    this.persisted = rows;
  }

  /** The rows of the last parse, keyed for a row cache file; null when the file would not change. */
  takePersistable(): Map<string, CachedRow> | null {
    if (!this.readFreshRows) return null;
    this.readFreshRows = false;
    const rows = new Map([...this.rowCache].map(([key, row]) => [persistedKey(key), row]));
    this.persisted = rows;
    return rows;
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
  private rowsByChunk(yamlText: string, base: number): RowSource[] | null {
    const chunks = splitRows(yamlText);
    if (chunks === null) return null;
    const cache = new Map<string, CachedRow>();
    const sources: RowSource[] = [];
    for (const [index, chunk] of chunks.entries()) {
      const key = `${index}\u0000${chunk.text}`;
      let cached = this.rowCache.get(key) ?? cache.get(key) ?? (this.persisted.size > 0 ? this.persisted.get(persistedKey(key)) : undefined);
      if (cached === undefined) {
        const scanned = scanRow(chunk.text);
        const read = scanned === null ? readChunk(chunk.text, index) : { reading: readRowFields(scanned.shape, scanned.values, index), layout: scanned.layout };
        if (read === null) return null;
        cached = read;
        // A row the scanner read costs less to scan again than to look up: only yaml's are worth a cache file.
        if (scanned === null) this.readFreshRows = true;
      }
      cache.set(key, cached);
      sources.push({ reading: cached.reading, layout: shiftLayout(cached.layout, base + chunk.start), base: base + chunk.start });
    }
    this.rowCache = cache;
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
    if (parsed.flow && parsed.items.length === 0 && isSeq(contents) && contents.range !== null && contents.range !== undefined) {
      board.emptyFlowList = { start: base + contents.range[0], end: base + contents.range[1] };
    }
    return parsed.items.map((item, index) => ({ reading: readRow(item, index, parsed.doc), layout: layoutOf(item, base), base }));
  }
}

/** A row's cache key as a row cache file holds it: a digest, not the row's whole text again. */
function persistedKey(key: string): string {
  return createHash('sha1').update(key).digest('base64url');
}

/** A row parsed by yaml on its own (scanRow reads the everyday forms first); null when it does not stand alone (the block is then read whole). */
function readChunk(text: string, index: number): CachedRow | null {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0 || !isSeq(doc.contents) || doc.contents.items.length !== 1 || doc.contents.flow === true) return null;
  const item = doc.contents.items[0] as Node;
  try {
    return { reading: readRow(item, index, doc), layout: layoutOf(item, 0) };
  } catch {
    // Aliases past the limit: read the block whole, which reports them as a problem.
    return null;
  }
}

function collectRows(board: ParsedBoard, sources: RowSource[]): void {
  const extra = checkAcrossRows(sources.map((source) => source.reading));
  for (const [index, { reading, layout, base }] of sources.entries()) {
    board.layouts.push(layout);
    if (reading.id !== null) board.usedNumbers.push(Number(reading.id.slice(2)));
    const problems: LocalProblem[] = [...reading.problems, ...(extra.get(index) ?? [])];
    for (const problem of problems) {
      board.problems.push({ ...board.lines.position(base + problem.offset), level: 'row', message: problem.message, task: reading.id });
    }
    if (reading.row === null || problems.length > 0) continue;
    const scopePair = layout.pairs.find((pair) => pair.key === 'scope');
    board.rows.push({ ...reading.row, position: board.lines.position(base + reading.start) });
    board.rowLayouts.set(reading.row.id, layout);
    board.scopePositions.set(reading.row.id, board.lines.position(scopePair?.value?.start ?? scopePair?.keyStart ?? base + reading.start));
  }
  board.problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Parses BOARD.md once. Never throws on content: every fault becomes a problem with its line and column. */
export function parseBoard(input: string | Uint8Array): ParsedBoard {
  return new BoardParser().parse(input);
}
