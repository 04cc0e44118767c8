import { BOARD_TEMPLATE } from './template.js';

const DIRECTION = /^##[ \t]+Direction[ \t]*$/i;
const NEXT_SECTION = /^#{1,2}[ \t]/;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;

/**
 * The prose of BOARD.md's `## Direction` section (SPEC 3), which every agent turn gets; '' when
 * the board has none, or still holds the placeholder `ccx init` wrote.
 */
export function directionOf(board: string): string {
  const text = sectionText(board.replace(/\r\n/g, '\n'));
  return text === sectionText(BOARD_TEMPLATE) ? '' : text;
}

function sectionText(board: string): string {
  const lines = board.split('\n');
  const kept: string[] = [];
  let fence: string | null = null;
  let inside = false;
  for (const line of lines) {
    const marker = FENCE.exec(line)?.[1];
    const fenced = fence !== null;
    if (marker !== undefined && (fence === null || marker.startsWith(fence))) fence = fence === null ? marker : null;
    if (!fenced && marker === undefined) {
      if (!inside && DIRECTION.test(line)) {
        inside = true;
        continue;
      }
      if (inside && NEXT_SECTION.test(line)) break;
    }
    if (inside) kept.push(line);
  }
  return kept.join('\n').trim();
}
