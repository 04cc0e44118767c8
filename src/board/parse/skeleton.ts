import type { Candidate } from './candidate.js';
import { findCandidate } from './candidate.js';
import { locateTasksBlock, type LocateResult, type TasksBlock } from './locate.js';
import { confirmPlainly } from './plain-structure.js';

/**
 * remark reads a fenced block's content one character at a time, which is most of the cost on a
 * board with thousands of rows, yet that content cannot change how the rest of the file parses.
 * So a line scan finds the candidate block first. When the rest of the file is plainly structured
 * (plain-structure.ts), that is the answer and remark is never loaded. Otherwise remark runs on the
 * text with the candidate block's content taken out, its answer is checked against the candidate
 * (same heading, same fence, nothing between the fences), and any disagreement falls back to
 * parsing the whole text. Results are cached by that skeleton, so a write that changes only rows
 * never runs remark again.
 */
export class TasksBlockLocator {
  private readonly cache = new Map<string, LocateResult>();

  locate(body: string): LocateResult {
    const candidate = findCandidate(body);
    if (candidate === null) return locateTasksBlock(body);
    const plain = confirmPlainly(body, candidate);
    if (plain !== null) return { ok: true, block: plain };
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

function agrees(block: TasksBlock, candidate: Candidate): boolean {
  return block.fenceStart === candidate.fenceStart && block.contentStart === candidate.contentStart && block.contentEnd === candidate.contentStart;
}
