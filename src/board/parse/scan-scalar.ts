import type { ScalarStyle } from './layout.js';

/** A value the scanner read, with its source range in the chunk. */
export interface InlineValue {
  value: unknown;
  start: number;
  end: number;
  style: ScalarStyle | null;
}

/** Thrown inside the scanner for anything it does not fully understand; the row is then read by yaml. */
export class NotSimple extends Error {}

/** A plain scalar's first character that makes it something else in YAML, or that the scanner leaves to yaml. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`\s]/;
/** Text the core schema reads as a number (yaml's own tests, case-folded), left to yaml. */
const NUMBER_LIKE = [/^[-+]?\.(?:inf|nan)$/i, /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:e[-+]?[0-9]+)?$/i, /^0o[0-7]+$/i, /^0x[0-9a-f]+$/i];
const SAFE_INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;
const FLOW_BRACKET = /[[\]{}]/;

/** A value written on the key's line, `text` from `start` to the line's end: a flow list of scalars, or one scalar. */
export function inlineValue(text: string, start: number, end: number): InlineValue {
  if (text.charCodeAt(start) !== 0x5b) return inlineScalar(text.slice(start, end), start);
  if (text.charCodeAt(end - 1) !== 0x5d || end - start < 2) throw new NotSimple();
  const items: unknown[] = [];
  const innerStart = start + 1;
  const innerEnd = end - 1;
  if (!isSpacesOnly(text, innerStart, innerEnd)) {
    let partStart = innerStart;
    while (partStart <= innerEnd) {
      let partEnd = text.indexOf(',', partStart);
      if (partEnd === -1 || partEnd > innerEnd) partEnd = innerEnd;
      let itemStart = partStart;
      let itemEnd = partEnd;
      // YAML separates with spaces only (tabs never reach here): a no-break space is part of the item.
      while (itemStart < itemEnd && text.charCodeAt(itemStart) === 0x20) itemStart += 1;
      while (itemEnd > itemStart && text.charCodeAt(itemEnd - 1) === 0x20) itemEnd -= 1;
      const item = text.slice(itemStart, itemEnd);
      if (item === '' || FLOW_BRACKET.test(item)) throw new NotSimple();
      items.push(inlineScalar(item, itemStart).value);
      partStart = partEnd + 1;
    }
  }
  return { value: items, start, end, style: null };
}

/** A plain, single- or double-quoted scalar with nothing after it. */
export function inlineScalar(text: string, start: number): InlineValue {
  const end = start + text.length;
  const quote = text.charCodeAt(0);
  if (quote === 0x22 || quote === 0x27) {
    if (text.length < 2 || text.charCodeAt(text.length - 1) !== quote) throw new NotSimple();
    const inner = text.slice(1, -1);
    const mark = quote === 0x22 ? '"' : "'";
    if (inner.includes(mark) || (quote === 0x22 && inner.includes('\\'))) throw new NotSimple();
    return { value: inner, start, end, style: quote === 0x22 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE' };
  }
  if (INDICATOR.test(text) || text.includes(': ') || text.includes(' #') || text.endsWith(':') || text.includes('  ')) throw new NotSimple();
  return { value: plainValue(text), start, end, style: 'PLAIN' };
}

/** What the core schema makes of a plain scalar, for the words and numbers the scanner takes on. */
function plainValue(text: string): unknown {
  if (text === 'null' || text === '~') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  const first = text.charCodeAt(0);
  // Every number form starts with a digit, a sign or a dot; only words of 4 or 5 letters can be a null or a boolean.
  const numeric = (first >= 0x30 && first <= 0x39) || first === 0x2b || first === 0x2d || first === 0x2e;
  if (numeric && SAFE_INTEGER.test(text)) return Number(text);
  if ((text.length === 4 || text.length === 5) && /^(?:null|true|false)$/i.test(text)) throw new NotSimple();
  if (numeric && NUMBER_LIKE.some((pattern) => pattern.test(text))) throw new NotSimple();
  return text;
}

function isSpacesOnly(text: string, start: number, end: number): boolean {
  for (let at = start; at < end; at += 1) if (text.charCodeAt(at) !== 0x20) return false;
  return true;
}

/** The characters String.prototype.trim removes: WhiteSpace (Zs, tab, VT, FF, BOM) and LineTerminator. */
export function isTrimmed(code: number): boolean {
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return true;
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}
