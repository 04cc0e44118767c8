import type { Document, Node } from 'yaml';
import { yamlModule as yaml } from '../../text/yaml-module.js';
import { explainYamlError } from '../../text/yaml-error.js';

/** Aliases that expand past this many nodes are refused: a YAML "billion laughs" would exhaust memory. */
export const MAX_ALIAS_COUNT = 20;

export interface LocalProblem {
  /** Offset into the YAML text. */
  offset: number;
  message: string;
}

export type YamlBlockResult =
  | { ok: true; doc: Document.Parsed; items: Node[]; flow: boolean }
  | { ok: false; problems: LocalProblem[] };

/** Parses the Tasks block with yaml's Document API (which keeps every node's source range). */
export function parseTasksYaml(yamlText: string): YamlBlockResult {
  const { isMap, isScalar, isSeq, parseDocument } = yaml();
  const doc = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  if (doc.errors.length > 0) {
    const tabs = tabProblems(yamlText, doc.errors.map((error) => error.pos[0]));
    if (tabs.length > 0) return { ok: false, problems: tabs };
    return { ok: false, problems: yamlProblems(yamlText, doc.errors) };
  }
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return {
      ok: false,
      problems: [{ offset: firstAliasOffset(yamlText), message: `the Tasks YAML uses aliases that expand past ${MAX_ALIAS_COUNT} nodes (${firstLine(String((error as Error).message))}); write the values out instead.` }],
    };
  }
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return { ok: true, doc, items: [], flow: false };
  if (!isSeq(contents)) {
    const kind = isMap(contents) ? 'a mapping' : 'a single value';
    return {
      ok: false,
      problems: [{ offset: contents.range?.[0] ?? 0, message: `the Tasks block must be a YAML list of rows (each starting with \`- id: T-<n>\`), but it is ${kind}.` }],
    };
  }
  return { ok: true, doc, items: contents.items as Node[], flow: contents.flow === true };
}

/**
 * yaml's own words for a tab before a key ("Unexpected scalar at node end", "Sequence item without -
 * indicator") do not say what is wrong. A line an error falls on whose indentation holds a tab gets
 * one plain problem instead, at the tab.
 */
export function tabProblems(text: string, offsets: readonly number[]): LocalProblem[] {
  const problems = new Map<number, LocalProblem>();
  for (const offset of offsets) {
    const lineStart = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
    const lineEnd = text.indexOf('\n', lineStart);
    const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
    const indent = /^[ \t-]*/.exec(line)?.[0] ?? '';
    const tab = indent.indexOf('\t');
    if (tab === -1 || problems.has(lineStart)) continue;
    const key = /^([^\s:#]+)\s*:/.exec(line.slice(indent.length))?.[1];
    const what = key === undefined ? 'this line' : `the key \`${key}\``;
    problems.set(lineStart, { offset: lineStart + tab, message: `the Tasks YAML has a tab before ${what}; YAML indents with spaces only, so replace the tab with spaces.` });
  }
  return [...problems.values()];
}

/** yaml's errors, each at its place; an unquoted `: ` in a value is said plainly, once per value. */
function yamlProblems(text: string, errors: Document.Parsed['errors']): LocalProblem[] {
  const problems = new Map<string, LocalProblem>();
  for (const error of errors) {
    const explained = explainYamlError(text, error);
    const problem = explained ?? { offset: errorOffset(text, error.code, error.pos[0]), message: firstLine(error.message) };
    problems.set(`${problem.offset}:${problem.message}`, { offset: problem.offset, message: `the Tasks YAML does not parse: ${problem.message}` });
  }
  return [...problems.values()];
}

/** yaml reports an unclosed quote where the text ends; the person needs to see where it opened. */
function errorOffset(text: string, code: string, offset: number): number {
  if (code !== 'MISSING_CHAR') return offset;
  const opening = Math.max(text.lastIndexOf('"', offset - 1), text.lastIndexOf("'", offset - 1));
  return opening === -1 ? offset : opening;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function firstAliasOffset(text: string): number {
  const match = /\*[^\s,\]}]+/.exec(text);
  return match?.index ?? 0;
}
