import { locateTasksBlock, type LocateResult, type TasksBlock } from './locate.js';

const TASKS_HEADING = /^ {0,3}## +tasks[ \t]*#*[ \t]*\r?$/i;
const YAML_FENCE = /^(`{3,}|~{3,})[ \t]*(yaml|yml)\b[^`\n]*\r?$/i;

/**
 * remark reads a fenced block's content one character at a time, which is most of the cost on a
 * board with thousands of rows, yet that content cannot change how the rest of the file parses.
 * So remark runs on the text with the candidate block's content taken out, its answer is checked
 * against the candidate (same heading, same fence, nothing between the fences), and any
 * disagreement falls back to parsing the whole text. Results are cached by that skeleton, so a
 * write that changes only rows never runs remark again.
 */
export class TasksBlockLocator {
  private readonly cache = new Map<string, LocateResult>();

  locate(body: string): LocateResult {
    const candidate = findCandidate(body);
    if (candidate === null) return locateTasksBlock(body);
    const skeleton = body.slice(0, candidate.contentStart) + body.slice(candidate.contentEnd);
    let result = this.cache.get(skeleton);
    if (result === undefined) {
      result = locateTasksBlock(skeleton);
      this.cache.clear();
      this.cache.set(skeleton, result);
    }
    if (result.ok && agrees(result.block, candidate)) return { ok: true, block: { ...result.block, contentEnd: candidate.contentEnd } };
    return locateTasksBlock(body);
  }
}

interface Candidate {
  fenceStart: number;
  contentStart: number;
  contentEnd: number;
}

function agrees(block: TasksBlock, candidate: Candidate): boolean {
  return block.fenceStart === candidate.fenceStart && block.contentStart === candidate.contentStart && block.contentEnd === candidate.contentStart;
}

/** A quick line scan for `## Tasks`, the first ```yaml fence after it, and the line that closes it. */
function findCandidate(body: string): Candidate | null {
  let offset = 0;
  let state: 'heading' | 'fence' | 'content' = 'heading';
  let fence = '';
  let fenceStart = 0;
  let contentStart = 0;
  while (offset < body.length) {
    const newline = body.indexOf('\n', offset);
    const end = newline === -1 ? body.length : newline + 1;
    const line = body.slice(offset, newline === -1 ? body.length : newline);
    if (state === 'heading' && TASKS_HEADING.test(line)) state = 'fence';
    else if (state === 'fence') {
      const match = YAML_FENCE.exec(line);
      if (match !== null) {
        fence = match[1] as string;
        fenceStart = offset;
        contentStart = end;
        state = 'content';
      } else if (/^ {0,3}#{1,2}[ \t]/.test(line)) return null;
    } else if (state === 'content' && isClosing(line, fence)) {
      return { fenceStart, contentStart, contentEnd: offset };
    }
    offset = end;
  }
  return null;
}

function isClosing(line: string, fence: string): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*\r?$/.exec(line);
  return match !== null && (match[1] as string)[0] === fence[0] && (match[1] as string).length >= fence.length;
}
