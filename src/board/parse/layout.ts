import type { Node, YAMLMap } from 'yaml';
import { yamlModule as yaml } from '../../text/yaml-module.js';

export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

/** Where one field of a row is written. */
export interface PairLayout {
  key: string;
  keyStart: number;
  keyEnd: number;
  /** The value's source range [start, end), or null for `key:` with nothing after it. */
  value: { start: number; end: number; style: ScalarStyle | null } | null;
}

/**
 * Where a row and each of its fields are written: all the editor needs to change a value in place
 * or add a field at the end of the row. Offsets are into the text without its BOM.
 */
export interface RowLayout {
  start: number;
  end: number;
  flow: boolean;
  pairs: PairLayout[];
}

/** A field's value kind in FieldSpans: a list or mapping, or a scalar's style (NO_STYLE: none known). */
const KINDS: readonly (ScalarStyle | null)[] = [null, 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED', null];
const COLLECTION = 0;
const NO_STYLE = 6;
/** Numbers FieldSpans keeps per field. */
export const SPAN_STRIDE = 4;

export function kindOf(style: ScalarStyle | null, collection: boolean): number {
  return collection ? COLLECTION : style === null ? NO_STYLE : KINDS.indexOf(style);
}

/**
 * Where each field of a row is written, as flat numbers: for field i, at SPAN_STRIDE * i, where its
 * key starts, where its value starts (-1: `key:` with nothing after it), where the value ends, and
 * its kind (COLLECTION, a scalar style's index, NO_STYLE). A board of 10,000 rows holds 100,000
 * fields: kept this way they cost a few numbers each, not two objects.
 */
export interface FieldSpans {
  keys: readonly string[];
  spans: readonly number[];
}

/**
 * The layout of a row the scanner read: its fields kept as FieldSpans (offsets from the row's
 * chunk, which starts at `base`), the PairLayout objects made only when an edit asks for them.
 * JSON.stringify gives the plain RowLayout.
 */
export class ScannedLayout implements RowLayout {
  readonly flow = false;
  #pairs: PairLayout[] | null = null;

  constructor(
    readonly start: number,
    readonly end: number,
    readonly fields: FieldSpans,
    readonly base: number,
  ) {}

  get pairs(): PairLayout[] {
    if (this.#pairs !== null) return this.#pairs;
    const { keys, spans } = this.fields;
    const base = this.base;
    this.#pairs = keys.map((key, index) => {
      const at = index * SPAN_STRIDE;
      const keyStart = base + (spans[at] as number);
      const valueStart = spans[at + 1] as number;
      const value = valueStart < 0 ? null : { start: base + valueStart, end: base + (spans[at + 2] as number), style: KINDS[spans[at + 3] as number] ?? null };
      return { key, keyStart, keyEnd: keyStart + key.length, value };
    });
    return this.#pairs;
  }

  shifted(delta: number): ScannedLayout {
    return new ScannedLayout(this.start + delta, this.end + delta, this.fields, this.base + delta);
  }

  toJSON(): RowLayout {
    return { start: this.start, end: this.end, flow: this.flow, pairs: this.pairs };
  }
}

/** The layout of a row node whose ranges count from `base`. */
export function layoutOf(node: Node, base: number): RowLayout {
  const range = node.range ?? [0, 0, 0];
  const { isScalar } = yaml();
  const map = node as YAMLMap;
  const pairs: PairLayout[] = (Array.isArray(map.items) ? map.items : []).flatMap((pair) => {
    if (!isScalar(pair.key) || pair.key.range === undefined || pair.key.range === null) return [];
    const value = pair.value as Node | null;
    const valueRange = value?.range ?? null;
    return [{
      key: String(pair.key.value),
      keyStart: base + pair.key.range[0],
      keyEnd: base + pair.key.range[1],
      value: valueRange === null ? null : { start: base + valueRange[0], end: base + valueRange[1], style: isScalar(value) ? ((value.type as ScalarStyle | undefined) ?? null) : null },
    }];
  });
  return { start: base + range[0], end: base + range[1], flow: (node as { flow?: boolean }).flow === true, pairs };
}

/** The same layout `delta` characters later (a cached row that moved because rows before it changed). */
export function shiftLayout(layout: RowLayout, delta: number): RowLayout {
  if (delta === 0) return layout;
  if (layout instanceof ScannedLayout) return layout.shifted(delta);
  return {
    start: layout.start + delta,
    end: layout.end + delta,
    flow: layout.flow,
    pairs: layout.pairs.map((pair) => ({
      key: pair.key,
      keyStart: pair.keyStart + delta,
      keyEnd: pair.keyEnd + delta,
      value: pair.value === null ? null : { ...pair.value, start: pair.value.start + delta, end: pair.value.end + delta },
    })),
  };
}
