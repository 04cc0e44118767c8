import type { PairLayout, RowLayout, ScalarStyle } from './layout.js';
import type { RowShape } from './row-fields.js';

/** One row read by the line scanner: its plain values, where each field is written, and its layout. */
export interface ScannedRow {
  values: Record<string, unknown>;
  shape: RowShape;
  layout: RowLayout;
}

interface Line {
  start: number;
  /** The line without its newline. */
  text: string;
  /** Offset just past its newline. */
  end: number;
  indent: number;
  blank: boolean;
}

interface Value {
  value: unknown;
  start: number;
  end: number;
  style: ScalarStyle | null;
  /** The first line after the value. */
  next: number;
}

/** Thrown inside the scanner for anything it does not fully understand; the row is then read by yaml. */
class NotSimple extends Error {}

const KEY_LINE = /^([a-z_][a-z0-9_]*):(?: +|$)/;
const RESERVED_KEYS = new Set(['null', 'true', 'false']);
/** A plain scalar's first character that makes it something else in YAML, or that the scanner leaves to yaml. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`\s]/;
/** Text the core schema reads as a number (yaml's own tests, case-folded), left to yaml. */
const NUMBER_LIKE = [/^[-+]?\.(?:inf|nan)$/i, /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:e[-+]?[0-9]+)?$/i, /^0o[0-7]+$/i, /^0x[0-9a-f]+$/i];
const SAFE_INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;
/** Control characters, tabs, and the byte-order mark: rows holding them are left to yaml. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNUSUAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufeff\r]/;

/**
 * Reads one row chunk (`- key: value` lines, see split-rows) without building a YAML document,
 * for the forms ccx and people write every day: plain, quoted and `|` scalars, block and flow lists
 * of scalars, and one level of nested mapping (scope). It gives exactly what yaml's Document would
 * (values, ranges, styles); for anything else (comments, anchors, escapes, multi-line plain
 * scalars, numbers other than small integers, …) it returns null and the caller asks yaml.
 */
export function scanRow(chunk: string): ScannedRow | null {
  if (UNUSUAL.test(chunk) || !chunk.endsWith('\n')) return null;
  try {
    return scan(splitLines(chunk));
  } catch (error) {
    if (error instanceof NotSimple) return null;
    throw error;
  }
}

function splitLines(chunk: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < chunk.length) {
    const newline = chunk.indexOf('\n', start);
    const text = chunk.slice(start, newline);
    const indent = text.length - text.trimStart().length;
    const blank = indent === text.length;
    if (!blank && text.endsWith(' ')) throw new NotSimple();
    lines.push({ start, text, end: newline + 1, indent, blank });
    start = newline + 1;
  }
  return lines;
}

function scan(lines: Line[]): ScannedRow {
  const first = lines[0];
  if (first === undefined || !first.text.startsWith('- ', first.indent)) throw new NotSimple();
  const rowIndent = first.indent + 2;
  // The first line read as if the `- ` were spaces: the row's first key sits at rowIndent.
  lines[0] = { ...first, indent: rowIndent };
  if (first.text[rowIndent] === ' ') throw new NotSimple();
  const values: Record<string, unknown> = {};
  const keys = new Map<string, { keyStart: number; valueStart: number | null; collection: boolean }>();
  const pairs: PairLayout[] = [];
  let index = 0;
  let end = 0;
  while (index < lines.length) {
    const line = lines[index] as Line;
    if (line.blank) break;
    if (line.indent !== rowIndent) throw new NotSimple();
    const { key, keyStart, value } = readPair(lines, index, rowIndent);
    if (keys.has(key)) throw new NotSimple();
    values[key] = value.value;
    keys.set(key, { keyStart, valueStart: value.start, collection: value.style === null });
    pairs.push({ key, keyStart, keyEnd: keyStart + key.length, value: { start: value.start, end: value.end, style: value.style } });
    end = (lines[value.next - 1] as Line).end;
    index = value.next;
  }
  // Only blank lines may follow the row in its chunk.
  if (lines.slice(index).some((line) => !line.blank)) throw new NotSimple();
  const start = first.start + rowIndent;
  return { values, shape: { start, keys }, layout: { start, end, flow: false, pairs } };
}

/** `key: value` at `indent` on line `index`, with whatever block value follows it. */
function readPair(lines: Line[], index: number, indent: number): { key: string; keyStart: number; value: Value } {
  const line = lines[index] as Line;
  const match = KEY_LINE.exec(line.text.slice(indent));
  if (match === null || RESERVED_KEYS.has(match[1] as string)) throw new NotSimple();
  const key = match[1] as string;
  const keyStart = line.start + indent;
  const rest = line.text.slice(indent + match[0].length);
  const restStart = keyStart + match[0].length;
  if (rest === '') return { key, keyStart, value: blockValue(lines, index + 1, indent) };
  if (rest === '|') return { key, keyStart, value: literal(lines, index + 1, indent, restStart) };
  const value = inlineValue(rest, restStart);
  // A deeper line after an inline value would continue a multi-line scalar.
  const next = lines[index + 1];
  if (next !== undefined && !next.blank && next.indent > indent) throw new NotSimple();
  return { key, keyStart, value: { ...value, next: index + 1 } };
}

/** The list or mapping below a `key:` line (a list may sit at the key's own indent). */
function blockValue(lines: Line[], index: number, parentIndent: number): Value {
  const first = lines[index];
  if (first === undefined || first.blank || first.indent < parentIndent) throw new NotSimple();
  const isList = first.text.startsWith('- ', first.indent);
  if (first.indent === parentIndent && !isList) throw new NotSimple();
  const indent = first.indent;
  const start = first.start + indent;
  if (isList) {
    const items: unknown[] = [];
    let next = index;
    for (let line = lines[next]; line !== undefined && !line.blank && line.indent === indent && line.text.startsWith('- ', indent); line = lines[++next]) {
      items.push(inlineScalar(line.text.slice(indent + 2), line.start + indent + 2).value);
      const after = lines[next + 1];
      if (after !== undefined && !after.blank && after.indent > indent) throw new NotSimple();
    }
    return closeBlock(lines, next, parentIndent, { value: items, start, end: (lines[next - 1] as Line).end, style: null, next });
  }
  const map: Record<string, unknown> = {};
  let next = index;
  while (next < lines.length && !(lines[next] as Line).blank && (lines[next] as Line).indent === indent) {
    const { key, value } = readPair(lines, next, indent);
    if (Object.hasOwn(map, key) || value.style === 'BLOCK_LITERAL') throw new NotSimple();
    map[key] = value.value;
    next = value.next;
  }
  return closeBlock(lines, next, parentIndent, { value: map, start, end: (lines[next - 1] as Line).end, style: null, next });
}

/** A block ends where a line at the parent's indent or left of it starts; anything else is not simple. */
function closeBlock(lines: Line[], next: number, parentIndent: number, value: Value): Value {
  const line = lines[next];
  if (line !== undefined && !line.blank && line.indent > parentIndent) throw new NotSimple();
  return value;
}

/** A `|` block scalar (clip chomping): its lines less their common indent, one final newline. */
function literal(lines: Line[], index: number, parentIndent: number, start: number): Value {
  const first = lines[index];
  if (first === undefined || first.blank || first.indent <= parentIndent) throw new NotSimple();
  const indent = first.indent;
  const content: string[] = [];
  let last = index;
  let next = index;
  for (let line = lines[next]; line !== undefined && (line.blank || line.indent >= indent); line = lines[++next]) {
    if (line.blank && line.text.length > indent) throw new NotSimple();
    content.push(line.blank ? '' : line.text.slice(indent));
    if (!line.blank) last = next;
  }
  const after = lines[next];
  if (after !== undefined && after.indent > parentIndent) throw new NotSimple();
  const kept = content.slice(0, last - index + 1);
  return { value: `${kept.join('\n')}\n`, start, end: (lines[last] as Line).end, style: 'BLOCK_LITERAL', next: last + 1 };
}

/** A value written on the key's line: a flow list of scalars, or one scalar. */
function inlineValue(text: string, start: number): Omit<Value, 'next'> {
  if (!text.startsWith('[')) return inlineScalar(text, start);
  if (!text.endsWith(']')) throw new NotSimple();
  const inner = text.slice(1, -1);
  const items: unknown[] = [];
  if (inner.trim() !== '') {
    let offset = 1;
    for (const part of inner.split(',')) {
      const lead = part.length - part.trimStart().length;
      const item = part.trim();
      if (item === '' || /[[\]{}]/.test(item)) throw new NotSimple();
      items.push(inlineScalar(item, start + offset + lead).value);
      offset += part.length + 1;
    }
  }
  return { value: items, start, end: start + text.length, style: null };
}

/** A plain, single- or double-quoted scalar with nothing after it. */
function inlineScalar(text: string, start: number): Omit<Value, 'next'> {
  const end = start + text.length;
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const inner = text.slice(1, -1);
    if (text.length < 2 || !text.endsWith(quote) || inner.includes(quote) || (quote === '"' && inner.includes('\\'))) throw new NotSimple();
    return { value: inner, start, end, style: quote === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE' };
  }
  if (INDICATOR.test(text) || text.includes(': ') || text.includes(' #') || text.endsWith(':') || text.includes('  ')) throw new NotSimple();
  return { value: plainValue(text), start, end, style: 'PLAIN' };
}

/** What the core schema makes of a plain scalar, for the words and numbers the scanner takes on. */
function plainValue(text: string): unknown {
  if (text === 'null' || text === '~') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (SAFE_INTEGER.test(text)) return Number(text);
  if (/^(?:null|true|false)$/i.test(text) || NUMBER_LIKE.some((pattern) => pattern.test(text))) throw new NotSimple();
  return text;
}
