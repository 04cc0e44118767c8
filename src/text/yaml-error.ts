/**
 * YAML's own words for an unquoted `: ` inside a value ("Nested mappings are not allowed in compact
 * mappings", "Block collections are not allowed within flow collections") do not say what to do.
 * This finds that case on the line an error falls on and says it plainly, with the fix written out.
 */

export interface YamlErrorLike {
  code: string;
  pos: [number, number];
}

export interface ExplainedYamlError {
  /** Offset of the value that needs quotes. */
  offset: number;
  message: string;
}

/** The errors yaml gives for `key: a: b` (block) and `{key: a: b}` (flow). */
const COLON_CODES = new Set(['BLOCK_AS_IMPLICIT_KEY', 'BLOCK_IN_FLOW', 'MULTILINE_IMPLICIT_KEY', 'UNEXPECTED_TOKEN']);

/** `key: value` where the unquoted value holds `: ` (block: to the line end or a comment; flow: to `,` or `}`). */
const BLOCK_PAIR = /^(\s*(?:-\s+)?)([A-Za-z_][\w.-]*):[ \t]+(?!["'[{|>&*!])([^#\n]*?:[ \t][^#\n]*?)[ \t]*(?:[ \t]#.*)?$/;
const FLOW_PAIR = /([A-Za-z_][\w.-]*):[ \t]+(?!["'[{])([^,{}[\]\n]*?:[ \t][^,{}[\]\n]*?)[ \t]*(?=[,}\]])/;

/** The plain explanation of `error` when it comes from an unquoted `: ` in a value, else null. */
export function explainYamlError(text: string, error: YamlErrorLike): ExplainedYamlError | null {
  if (!COLON_CODES.has(error.code)) return null;
  const lineStart = text.lastIndexOf('\n', Math.max(0, error.pos[0] - 1)) + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, '');
  const block = BLOCK_PAIR.exec(line);
  if (block !== null && !line.slice((block[1] ?? '').length).startsWith('{')) {
    const [, indent = '', key = '', value = ''] = block;
    return quoteValue(key, value, lineStart + line.indexOf(value, indent.length + key.length + 1));
  }
  const flow = FLOW_PAIR.exec(line);
  if (flow !== null) {
    const [whole, key = '', value = ''] = flow;
    return quoteValue(key, value, lineStart + flow.index + whole.indexOf(value, key.length + 1));
  }
  return null;
}

function quoteValue(key: string, value: string, offset: number): ExplainedYamlError {
  return {
    offset,
    message: `the value of ${key} holds an unquoted ": ", which YAML reads as another key; quote the value, for example: ${key}: ${JSON.stringify(value)}`,
  };
}
