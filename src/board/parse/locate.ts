import { createRequire } from 'node:module';
import type { Code, Heading, Root, RootContent } from 'mdast';
import type remarkParse from 'remark-parse';
import type * as Unified from 'unified';

/** Where the Tasks YAML sits in BOARD.md, as offsets into the text without its BOM. */
export interface TasksBlock {
  /** Start of the opening fence line. */
  fenceStart: number;
  /** First character after the opening fence line. */
  contentStart: number;
  /** Start of the closing fence line (== contentStart for an empty block). */
  contentEnd: number;
  /** The line ending the block uses; rows ccx adds use it too. */
  eol: '\n' | '\r\n';
}

export type LocateResult = { ok: true; block: TasksBlock } | { ok: false; offset: number; message: string };

const CLOSING_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*\r?$/;
const YAML_LANGS = new Set(['yaml', 'yml']);

let markdown: ((body: string) => Root) | undefined;

/**
 * remark, loaded on first use (about 60 modules, a tenth of a second): a plainly structured board
 * never needs it. require() of these ES modules works without a warning from Node 20.19 on.
 */
function parseMarkdown(body: string): Root {
  if (markdown === undefined) {
    const require = createRequire(import.meta.url);
    const { unified } = require('unified') as typeof Unified;
    const parser = (require('remark-parse') as { default: typeof remarkParse }).default;
    const processor = unified().use(parser);
    markdown = (text) => processor.parse(text) as Root;
  }
  return markdown(body);
}

/** Finds the one ```yaml block under the `## Tasks` heading with remark's exact offsets. */
export function locateTasksBlock(body: string): LocateResult {
  const tree = parseMarkdown(body);
  const headings = tree.children.filter(isTasksHeading);
  const first = headings[0];
  if (first === undefined) {
    return { ok: false, offset: 0, message: 'BOARD.md has no `## Tasks` heading; ccx reads its tasks from the ```yaml block under it. Add:\n\n## Tasks\n\n```yaml\n- id: T-1\n  title: …\n  status: draft\n```' };
  }
  const second = headings[1];
  if (second !== undefined) {
    return { ok: false, offset: startOf(second), message: `BOARD.md has a second \`## Tasks\` heading (the first is on line ${first.position?.start.line ?? '?'}); keep one.` };
  }
  const section = sectionAfter(tree.children, first);
  const blocks = section.filter((node): node is Code => node.type === 'code' && YAML_LANGS.has((node.lang ?? '').toLowerCase()));
  const block = blocks[0];
  if (block === undefined) {
    return { ok: false, offset: startOf(first), message: 'the `## Tasks` section has no ```yaml block; put the task list in one (it may be empty).' };
  }
  const extra = blocks[1];
  if (extra !== undefined) {
    return {
      ok: false,
      offset: startOf(extra),
      message: `the \`## Tasks\` section has ${blocks.length} \`\`\`yaml blocks (the first on line ${block.position?.start.line ?? '?'}); ccx reads exactly one, so merge them.`,
    };
  }
  return measureBlock(body, block);
}

function measureBlock(body: string, node: Code): LocateResult {
  const fenceStart = startOf(node);
  const end = node.position?.end.offset ?? body.length;
  if (body[fenceStart] !== '`' && body[fenceStart] !== '~') {
    return { ok: false, offset: fenceStart, message: 'the ```yaml fence under `## Tasks` is indented; start it at the beginning of its line.' };
  }
  const openingEnd = body.indexOf('\n', fenceStart);
  if (openingEnd === -1 || openingEnd >= end) {
    return { ok: false, offset: fenceStart, message: 'the ```yaml block under `## Tasks` has no closing fence; end it with a line of ```.' };
  }
  const contentStart = openingEnd + 1;
  const lastLineStart = body.lastIndexOf('\n', end - 1) + 1;
  const lastLine = body.slice(lastLineStart, end);
  if (lastLineStart < contentStart || !CLOSING_FENCE.test(lastLine)) {
    return { ok: false, offset: fenceStart, message: 'the ```yaml block under `## Tasks` has no closing fence; end it with a line of ```.' };
  }
  const eol = body[openingEnd - 1] === '\r' ? '\r\n' : '\n';
  return { ok: true, block: { fenceStart, contentStart, contentEnd: lastLineStart, eol } };
}

function isTasksHeading(node: RootContent): node is Heading {
  return node.type === 'heading' && node.depth === 2 && plainText(node).trim().toLowerCase() === 'tasks';
}

function sectionAfter(children: RootContent[], heading: Heading): RootContent[] {
  const start = children.indexOf(heading) + 1;
  const section: RootContent[] = [];
  for (const node of children.slice(start)) {
    if (node.type === 'heading' && node.depth <= heading.depth) break;
    section.push(node);
  }
  return section;
}

function plainText(node: RootContent): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as RootContent[]).map(plainText).join('');
  return '';
}

function startOf(node: RootContent): number {
  return node.position?.start.offset ?? 0;
}
