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
