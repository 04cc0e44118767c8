/** One row's source in the Tasks block: from its `-` to just before the next row's. */
export interface RowChunk {
  /** Offset of the chunk in the YAML text. */
  start: number;
  /** The chunk: a slice of the YAML text, not a copy. */
  text: string;
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;
const DASH = 0x2d;
const DOT = 0x2e;
const PERCENT = 0x25;

/**
 * Splits a block list into its rows at the lines that start a new item at the list's own
 * indentation (`- ` at the column of the first `-`). Returns null for anything it does not fully
 * understand (a flow list, a document marker, a line left of the list, a tab): the caller then parses
 * the whole block as one document instead, so splitting never changes what the board means.
 * It walks the text by character codes: no line is copied, only each chunk is sliced once.
 */
export function splitRows(yamlText: string): RowChunk[] | null {
  const length = yamlText.length;
  let indent = -1;
  const chunks: RowChunk[] = [];
  let chunkStart = -1;
  for (let lineStart = 0; lineStart < length; ) {
    const newline = yamlText.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? length : newline + 1;
    if (!isCommentOrBlank(yamlText, lineStart, lineEnd)) {
      let leading = lineStart;
      while (leading < lineEnd && yamlText.charCodeAt(leading) === SPACE) leading += 1;
      const spaces = leading - lineStart;
      if (indent === -1) {
        if (!isItemStart(yamlText, leading, lineEnd)) return null;
        indent = spaces;
      }
      if (isDocumentMarkerOrTab(yamlText, lineStart, lineEnd)) return null;
      if (spaces < indent) return null;
      if (spaces === indent) {
        if (!isItemStart(yamlText, leading, lineEnd)) return null;
        if (chunkStart !== -1) chunks.push({ start: chunkStart, text: yamlText.slice(chunkStart, lineStart) });
        chunkStart = lineStart;
      }
    }
    if (lineEnd === length) break;
    lineStart = lineEnd;
  }
  if (chunkStart !== -1) chunks.push({ start: chunkStart, text: yamlText.slice(chunkStart) });
  return chunks;
}

/** `[ \t]*(#.*)?\r?\n?` to the line's end, as a regex without the m flag reads one line (`.` stops at \r, \n, U+2028, U+2029). */
function isCommentOrBlank(text: string, start: number, end: number): boolean {
  let at = start;
  while (at < end && (text.charCodeAt(at) === SPACE || text.charCodeAt(at) === TAB)) at += 1;
  if (at < end && text.charCodeAt(at) === HASH) {
    while (at < end && !isRegexLineTerminator(text.charCodeAt(at))) at += 1;
  }
  if (at < end && text.charCodeAt(at) === CR) at += 1;
  if (at < end && text.charCodeAt(at) === LF) at += 1;
  return at === end;
}

function isRegexLineTerminator(code: number): boolean {
  return code === LF || code === CR || code === 0x2028 || code === 0x2029;
}

/** `-` then a space, or then the line's end (`\r?\n` or `\r?` at the end of the text). */
function isItemStart(text: string, at: number, end: number): boolean {
  if (at >= end || text.charCodeAt(at) !== DASH) return false;
  const next = at + 1;
  if (next === end) return true;
  const code = text.charCodeAt(next);
  if (code === SPACE || code === LF) return true;
  return code === CR && (next + 1 === end || text.charCodeAt(next + 1) === LF);
}

/** `---` or `...` followed by whitespace or the end, a `%` directive, or a tab first. */
function isDocumentMarkerOrTab(text: string, start: number, end: number): boolean {
  const first = text.charCodeAt(start);
  if (first === PERCENT || first === TAB) return true;
  if ((first !== DASH && first !== DOT) || start + 3 > end) return false;
  if (text.charCodeAt(start + 1) !== first || text.charCodeAt(start + 2) !== first) return false;
  // A line holds no \n before its end, so "the end" here is the end of the whole text, as `$` read it.
  return start + 3 === text.length || /\s/.test(text[start + 3] as string);
}
