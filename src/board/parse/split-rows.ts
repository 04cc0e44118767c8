/** One row's source in the Tasks block: from its `-` to just before the next row's. */
export interface RowChunk {
  /** Offset of the chunk in the YAML text. */
  start: number;
  text: string;
}

const COMMENT_OR_BLANK = /^[ \t]*(#.*)?\r?\n?$/;

/**
 * Splits a block list into its rows at the lines that start a new item at the list's own
 * indentation (`- ` at the column of the first `-`). Returns null for anything it does not fully
 * understand (a flow list, a document marker, a line left of the list, a tab): the caller then parses
 * the whole block as one document instead, so splitting never changes what the board means.
 */
export function splitRows(yamlText: string): RowChunk[] | null {
  const lines = yamlText.split(/(?<=\n)/);
  let indent: string | null = null;
  const chunks: RowChunk[] = [];
  let offset = 0;
  let current: RowChunk | null = null;
  for (const line of lines) {
    if (indent === null) {
      if (!COMMENT_OR_BLANK.test(line)) {
        const match = /^( *)-( |\r?\n|\r?$)/.exec(line);
        if (match === null) return null;
        indent = match[1] as string;
      }
    }
    if (indent !== null && !COMMENT_OR_BLANK.test(line)) {
      if (/^(---|\.\.\.)(\s|$)|^%|^\t/.test(line)) return null;
      const leading = /^ */.exec(line)?.[0].length ?? 0;
      if (leading < indent.length) return null;
      if (leading === indent.length) {
        if (!/^ *-( |\r?\n|\r?$)/.test(line)) return null;
        current = { start: offset, text: '' };
        chunks.push(current);
      }
    }
    if (current !== null) current.text += line;
    offset += line.length;
  }
  return chunks;
}
