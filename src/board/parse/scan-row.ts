import { ScannedLayout, kindOf, type ScalarStyle } from './layout.js';
import type { RowShape } from './row-fields.js';
import { ROW_FIELDS } from '../types.js';
import { NotSimple, inlineScalar, inlineValue, isTrimmed } from './scan-scalar.js';

/** One row read by the line scanner: its plain values, where each field is written, and its layout. */
export interface ScannedRow {
  values: Record<string, unknown>;
  shape: RowShape;
  layout: ScannedLayout;
}

interface Value {
  value: unknown;
  start: number;
  end: number;
  style: ScalarStyle | null;
  /** The first line after the value. */
  next: number;
}

const RESERVED_KEYS = new Set(['null', 'true', 'false']);
/** Control characters, tabs, and the byte-order mark: rows holding them are left to yaml. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNUSUAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufeff\r]/;
const SPACE = 0x20;
const DASH = 0x2d;
const COLON = 0x3a;
const PIPE = 0x7c;

/**
 * The chunk's lines as offsets into it, in tables reused from row to row (scanRow runs synchronously,
 * start to end): `starts` where each line begins, `ends` where its `\n` is, `indents` how many
 * spaces it starts with, `blanks` whether that is all of it.
 */
let starts = new Int32Array(64);
let ends = new Int32Array(64);
let indents = new Int32Array(64);
let blanks = new Uint8Array(64);
let count = 0;
let source = '';

/**
 * Reads one row chunk (`- key: value` lines, see split-rows) without building a YAML document,
 * for the forms ccx and people write every day: plain, quoted and `|` scalars, block and flow lists
 * of scalars, and one level of nested mapping (scope). It gives exactly what yaml's Document would
 * (values, ranges, styles); for anything else (comments, anchors, escapes, multi-line plain
 * scalars, numbers other than small integers, …) it returns null and the caller asks yaml.
 * Offsets in the shape count from the chunk's start; the layout's from `layoutBase`.
 */
export function scanRow(chunk: string, layoutBase = 0): ScannedRow | null {
  if (UNUSUAL.test(chunk) || chunk.charCodeAt(chunk.length - 1) !== 0x0a) return null;
  source = chunk;
  try {
    return measureLines() ? scan(layoutBase) : null;
  } catch (error) {
    if (error instanceof NotSimple) return null;
    throw error;
  } finally {
    source = '';
  }
}

/** Fills the line tables; false for a line that ends in a space (the scanner leaves those to yaml). */
function measureLines(): boolean {
  count = 0;
  for (let start = 0; start < source.length; ) {
    const newline = source.indexOf('\n', start);
    let first = start;
    while (first < newline && source.charCodeAt(first) === SPACE) first += 1;
    // YAML indents with spaces only: other white space (a no-break space) before the text is left to yaml.
    if (first < newline && isTrimmed(source.charCodeAt(first))) return false;
    const blank = first === newline;
    if (!blank && source.charCodeAt(newline - 1) === SPACE) return false;
    if (count === starts.length) grow();
    starts[count] = start;
    ends[count] = newline;
    indents[count] = first - start;
    blanks[count] = blank ? 1 : 0;
    count += 1;
    start = newline + 1;
  }
  return true;
}

function grow(): void {
  const size = starts.length * 2;
  const copy = <T extends Int32Array | Uint8Array>(from: T, to: T): T => (to.set(from), to);
  starts = copy(starts, new Int32Array(size));
  ends = copy(ends, new Int32Array(size));
  indents = copy(indents, new Int32Array(size));
  blanks = copy(blanks, new Uint8Array(size));
}

const at = (line: number, column: number): number => source.charCodeAt((starts[line] as number) + column);
const isBlank = (line: number): boolean => blanks[line] === 1;
const indentOf = (line: number): number => indents[line] as number;
/** Offset just past the line's `\n`. */
const endOf = (line: number): number => (ends[line] as number) + 1;
const isItem = (line: number, indent: number): boolean => at(line, indent) === DASH && at(line, indent + 1) === SPACE;

function scan(layoutBase: number): ScannedRow {
  if (count === 0 || !isItem(0, indentOf(0))) throw new NotSimple();
  const rowIndent = indentOf(0) + 2;
  // The first line read as if the `- ` were spaces: the row's first key sits at rowIndent.
  indents[0] = rowIndent;
  if (at(0, rowIndent) === SPACE) throw new NotSimple();
  const values: Record<string, unknown> = {};
  const keys: string[] = [];
  const spans: number[] = [];
  let index = 0;
  let end = 0;
  while (index < count) {
    if (isBlank(index)) break;
    if (indentOf(index) !== rowIndent) throw new NotSimple();
    const key = readKey(index, rowIndent);
    const keyStart = (starts[index] as number) + rowIndent;
    const value = readValue(index, rowIndent, keyStart + key.length + 1);
    if (keys.includes(key)) throw new NotSimple();
    values[key] = value.value;
    keys.push(key);
    spans.push(keyStart, value.start, value.end, kindOf(value.style, value.style === null));
    end = endOf(value.next - 1);
    index = value.next;
  }
  // Only blank lines may follow the row in its chunk.
  for (let line = index; line < count; line += 1) if (!isBlank(line)) throw new NotSimple();
  const start = (starts[0] as number) + rowIndent;
  const fields = { keys, spans };
  return { values, shape: { start, ...fields }, layout: new ScannedLayout(layoutBase + start, layoutBase + end, fields, layoutBase) };
}

/** `key:` at `indent` on line `index` (then spaces or the line's end), as `^([a-z_][a-z0-9_]*):(?: +|$)` reads it. */
function readKey(index: number, indent: number): string {
  const from = (starts[index] as number) + indent;
  const code = source.charCodeAt(from);
  if (!(isLowerLetter(code) || code === 0x5f)) throw new NotSimple();
  let after = from + 1;
  for (let next = source.charCodeAt(after); isLowerLetter(next) || (next >= 0x30 && next <= 0x39) || next === 0x5f; next = source.charCodeAt(after)) after += 1;
  if (source.charCodeAt(after) !== COLON) throw new NotSimple();
  const following = source.charCodeAt(after + 1);
  if (following !== SPACE && after + 1 !== ends[index]) throw new NotSimple();
  const key = knownKey(from, after) ?? source.slice(from, after);
  if (RESERVED_KEYS.has(key)) throw new NotSimple();
  return key;
}

/** Row fields and scope's keys by length: a key that is one of them is not sliced out of the text again. */
const KNOWN_KEYS: readonly (readonly string[])[] = (() => {
  const byLength: string[][] = [];
  for (const key of [...ROW_FIELDS, 'include', 'exclude']) (byLength[key.length] ??= []).push(key);
  return byLength;
})();

function knownKey(from: number, after: number): string | undefined {
  const candidates = KNOWN_KEYS[after - from];
  if (candidates === undefined) return undefined;
  for (let index = 0; index < candidates.length; index += 1) {
    const key = candidates[index] as string;
    if (source.startsWith(key, from)) return key;
  }
  return undefined;
}

function isLowerLetter(code: number): boolean {
  return code >= 0x61 && code <= 0x7a;
}

/** The value of the `key:` on line `index` (its colon just before `colonEnd`), with whatever block value follows it. */
function readValue(index: number, indent: number, colonEnd: number): Value {
  let restStart = colonEnd;
  const lineEnd = ends[index] as number;
  while (restStart < lineEnd && source.charCodeAt(restStart) === SPACE) restStart += 1;
  if (restStart === lineEnd) return blockValue(index + 1, indent);
  if (restStart + 1 === lineEnd && source.charCodeAt(restStart) === PIPE) return literal(index + 1, indent, restStart);
  const value = inlineValue(source, restStart, lineEnd);
  // A deeper line after an inline value would continue a multi-line scalar.
  if (index + 1 < count && !isBlank(index + 1) && indentOf(index + 1) > indent) throw new NotSimple();
  return { value: value.value, start: value.start, end: value.end, style: value.style, next: index + 1 };
}

/** The list or mapping below a `key:` line (a list may sit at the key's own indent). */
function blockValue(index: number, parentIndent: number): Value {
  if (index >= count || isBlank(index) || indentOf(index) < parentIndent) throw new NotSimple();
  const indent = indentOf(index);
  const isList = isItem(index, indent);
  if (indent === parentIndent && !isList) throw new NotSimple();
  const start = (starts[index] as number) + indent;
  let next = index;
  if (isList) {
    const items: unknown[] = [];
    for (; next < count && !isBlank(next) && indentOf(next) === indent && isItem(next, indent); next += 1) {
      const itemStart = (starts[next] as number) + indent + 2;
      items.push(inlineScalar(source.slice(itemStart, ends[next]), itemStart).value);
      if (next + 1 < count && !isBlank(next + 1) && indentOf(next + 1) > indent) throw new NotSimple();
    }
    return closeBlock(next, parentIndent, { value: items, start, end: endOf(next - 1), style: null, next });
  }
  const map: Record<string, unknown> = {};
  while (next < count && !isBlank(next) && indentOf(next) === indent) {
    const key = readKey(next, indent);
    const value = readValue(next, indent, (starts[next] as number) + indent + key.length + 1);
    if (Object.hasOwn(map, key) || value.style === 'BLOCK_LITERAL') throw new NotSimple();
    map[key] = value.value;
    next = value.next;
  }
  return closeBlock(next, parentIndent, { value: map, start, end: endOf(next - 1), style: null, next });
}

/** A block ends where a line at the parent's indent or left of it starts; anything else is not simple. */
function closeBlock(next: number, parentIndent: number, value: Value): Value {
  if (next < count && !isBlank(next) && indentOf(next) > parentIndent) throw new NotSimple();
  return value;
}

/** A `|` block scalar (clip chomping): its lines less their common indent, one final newline. */
function literal(index: number, parentIndent: number, start: number): Value {
  if (index >= count || isBlank(index) || indentOf(index) <= parentIndent) throw new NotSimple();
  const indent = indentOf(index);
  let last = index;
  let next = index;
  for (; next < count && (isBlank(next) || indentOf(next) >= indent); next += 1) {
    if (isBlank(next) && (ends[next] as number) - (starts[next] as number) > indent) throw new NotSimple();
    if (!isBlank(next)) last = next;
  }
  if (next < count && indentOf(next) > parentIndent) throw new NotSimple();
  let value = '';
  for (let line = index; line <= last; line += 1) value += isBlank(line) ? '\n' : `${source.slice((starts[line] as number) + indent, ends[line])}\n`;
  return { value, start, end: endOf(last), style: 'BLOCK_LITERAL', next: last + 1 };
}
