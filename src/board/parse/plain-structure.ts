import type { Candidate } from './candidate.js';
import type { TasksBlock } from './locate.js';

/** The Tasks heading as the one form whose heading text is plainly "tasks" (an optional closing `#` run after a space). */
const PLAIN_TASKS_HEADING = /^## +tasks(?:[ \t]+#+)?[ \t]*\r?$/i;
/** The yaml fence with the info string's first word exactly yaml or yml (what remark calls its lang). */
const PLAIN_YAML_FENCE = /^(?:`{3,}[ \t]*(?:yaml|yml)(?:[ \t][^`]*)?|~{3,}[ \t]*(?:yaml|yml)(?:[ \t].*)?)\r?$/i;
/** A line that could underline a setext heading (or be a thematic break). */
const UNDERLINE = /^[ \t]*(?:=+|-+)[ \t]*\r?$/;
/** Characters that can make inline content read as something other than its letters. */
const MARKUP = /[*_`[<&\\]/;
const BLANK = /^[ \t]*\r?$/;

/**
 * Whether remark would, for certain, take the candidate's heading as the one `## Tasks` and its fence
 * as the one ```yaml block of that section: then no markdown parser is needed (nor loaded). Proven
 * conservatively from CommonMark's rules, on every line but the block's content (which cannot
 * change how the rest parses). The heading and the fence start at column 0, so no container (block
 * quote, list item) holds them: only an open fenced code block or HTML block could, and no other
 * line may start one. No other line may be a level-2 heading whose text could read "tasks" (ATX,
 * or a setext underline below text that could), and nothing between the heading and the fence may
 * be a heading at all. Any doubt returns null, and the caller asks remark.
 */
export function confirmPlainly(body: string, candidate: Candidate): TasksBlock | null {
  // micromark drops a leading byte-order mark, which would move every offset it gives.
  if (body.charCodeAt(0) === 0xfeff) return null;
  const { headingStart, fenceStart, contentStart, contentEnd } = candidate;
  if (!PLAIN_TASKS_HEADING.test(lineAt(body, headingStart))) return null;
  if (!PLAIN_YAML_FENCE.test(lineAt(body, fenceStart))) return null;
  let paragraph = { suspicious: false, tail: '' };
  for (let start = 0; start < body.length; ) {
    if (start === contentStart) start = contentEnd;
    const newline = body.indexOf('\n', start);
    const line = body.slice(start, newline === -1 ? body.length : newline);
    const carriageReturn = line.indexOf('\r');
    if (carriageReturn !== -1 && (carriageReturn !== line.length - 1 || newline === -1)) return null;
    if (start === headingStart || start === fenceStart || start === contentEnd) {
      // Our own heading and fences are not paragraph text: the next line cannot underline them.
      paragraph = { suspicious: start === headingStart, tail: '' };
    } else {
      const between = start > headingStart && start < fenceStart;
      if (!isPlainLine(line, between, paragraph.suspicious)) return null;
      paragraph = nextParagraph(paragraph, line);
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  const eol = body.charCodeAt(contentStart - 2) === 0x0d ? '\r\n' : '\n';
  return { fenceStart, contentStart, contentEnd, eol };
}

/**
 * A line that cannot start a fenced code or HTML block, is not a level-2 ATX heading that could read
 * "tasks", and does not underline a paragraph that could (between the heading and the fence: is no
 * heading or underline at all).
 */
function isPlainLine(line: string, between: boolean, paragraphSuspicious: boolean): boolean {
  let first = 0;
  while (line.charCodeAt(first) === 0x20 || line.charCodeAt(first) === 0x09) first += 1;
  const code = line.charCodeAt(first);
  if (code === 0x3c) return false;
  if ((code === 0x60 || code === 0x7e) && line.charCodeAt(first + 1) === code && line.charCodeAt(first + 2) === code) return false;
  if (code === 0x23) {
    if (between) return false;
    if (isLevelTwoAtx(line, first) && (MARKUP.test(line) || line.toLowerCase().includes('tasks'))) return false;
  }
  if (UNDERLINE.test(line)) return !between && !paragraphSuspicious;
  return true;
}

function isLevelTwoAtx(line: string, first: number): boolean {
  if (line.charCodeAt(first + 1) !== 0x23) return false;
  const after = line.charCodeAt(first + 2);
  return Number.isNaN(after) || after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d;
}

/**
 * The run of non-blank lines a setext underline would turn into a heading: suspicious once any of
 * its lines holds markup, or its letters (whitespace dropped, case folded) spell "tasks" anywhere,
 * across line ends too (a hard break leaves no character in remark's text).
 */
function nextParagraph(paragraph: { suspicious: boolean; tail: string }, line: string): { suspicious: boolean; tail: string } {
  // Blank is spaces and tabs only: a line of other white space is paragraph text to CommonMark.
  if (BLANK.test(line)) return { suspicious: false, tail: '' };
  const letters = line.replace(/\s+/g, '').toLowerCase();
  const joined = paragraph.tail + letters;
  return { suspicious: paragraph.suspicious || MARKUP.test(line) || joined.includes('tasks'), tail: joined.slice(-4) };
}

/** The line starting at `start`, without its `\n`. */
function lineAt(body: string, start: number): string {
  const newline = body.indexOf('\n', start);
  return body.slice(start, newline === -1 ? body.length : newline);
}
