import { createHash } from 'node:crypto';
import { shiftLayout, type RowLayout } from './layout.js';
import type { RowReading } from './row.js';

/** One row as read, with offsets counted from the start of its own source (the row cache file's form). */
export interface CachedRow {
  reading: RowReading;
  layout: RowLayout;
}

/** One row of the last parse: its text, its reading, and its layout at `base`, where its text started in the body. */
interface Entry {
  text: string;
  reading: RowReading;
  layout: RowLayout;
  base: number;
  /** Read by yaml (here or by an earlier process): the only rows worth a row cache file. */
  fromYaml: boolean;
}

/**
 * The rows of the last parse, by their index in the list, and the rows an earlier process read
 * (a row cache file). A row is taken from either only when its text is the same at the same index
 * (a reading's messages name the row by its number). Keys of the file are digests, computed only
 * when a file is in use.
 */
export class RowCache {
  private rows: Entry[] = [];
  private next: Entry[] = [];
  /** Rows an earlier process read, by `persistedKey`. */
  private persisted: ReadonlyMap<string, CachedRow> = new Map();
  /** Whether a parse read rows with yaml that `persisted` lacks. */
  private readFreshRows = false;

  usePersisted(rows: ReadonlyMap<string, CachedRow>): void {
    this.persisted = rows;
  }

  /** The row at `index` with this text, its layout moved to `base`; undefined when neither cache has it. */
  find(index: number, text: string, base: number): { reading: RowReading; layout: RowLayout } | undefined {
    const previous = this.rows[index];
    if (previous !== undefined && previous.text === text) {
      const layout = shiftLayout(previous.layout, base - previous.base);
      return this.keep(text, previous.reading, layout, base, previous.fromYaml);
    }
    if (this.persisted.size === 0) return undefined;
    const stored = this.persisted.get(persistedKey(index, text));
    return stored === undefined ? undefined : this.keep(text, stored.reading, shiftLayout(stored.layout, base), base, true);
  }

  /** Records a row of this parse (fromYaml: read by yaml, so worth a row cache file). */
  keep(text: string, reading: RowReading, layout: RowLayout, base: number, fromYaml = false): Entry {
    const entry = { text, reading, layout, base, fromYaml };
    this.next.push(entry);
    return entry;
  }

  /** Records a row yaml read now: the row cache file lacks it. */
  keepFromYaml(text: string, reading: RowReading, layout: RowLayout, base: number): Entry {
    this.readFreshRows = true;
    return this.keep(text, reading, layout, base, true);
  }

  /** Starts recording a parse's rows. */
  begin(): void {
    this.next = [];
  }

  /** The parse's rows become the ones the next parse looks at. */
  commit(): void {
    this.rows = this.next;
    this.next = [];
  }

  /** The rows of the last parse, keyed for a row cache file; null when the file would not change. */
  takePersistable(): Map<string, CachedRow> | null {
    if (!this.readFreshRows) return null;
    this.readFreshRows = false;
    const rows = new Map<string, CachedRow>();
    // A row the scanner read costs less to scan again than to look up.
    this.rows.forEach((entry, index) => {
      if (entry.fromYaml) rows.set(persistedKey(index, entry.text), { reading: entry.reading, layout: shiftLayout(entry.layout, -entry.base) });
    });
    this.persisted = rows;
    return rows;
  }
}

/** A row's key in a row cache file: a digest of its index and text, not the row's whole text again. */
function persistedKey(index: number, text: string): string {
  return createHash('sha1').update(`${index}\u0000${text}`).digest('base64url');
}
