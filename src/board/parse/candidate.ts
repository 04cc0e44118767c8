const TASKS_HEADING = /^ {0,3}## +tasks[ \t]*#*[ \t]*\r?$/i;
const YAML_FENCE = /^(`{3,}|~{3,})[ \t]*(yaml|yml)\b[^`\n]*\r?$/i;
const CLOSING_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*\r?$/;

/** Where a line scan thinks the Tasks block is: remark, or the plain-structure check, must confirm it. */
export interface Candidate {
  /** Start of the `## Tasks` line. */
  headingStart: number;
  fenceStart: number;
  contentStart: number;
  /** Start of the closing fence line. */
  contentEnd: number;
}

/** A quick line scan for `## Tasks`, the first ```yaml fence after it, and the line that closes it. */
export function findCandidate(body: string): Candidate | null {
  let offset = 0;
  let state: 'heading' | 'fence' | 'content' = 'heading';
  let fence = '';
  let headingStart = 0;
  let fenceStart = 0;
  let contentStart = 0;
  while (offset < body.length) {
    const newline = body.indexOf('\n', offset);
    const lineEnd = newline === -1 ? body.length : newline;
    const end = newline === -1 ? body.length : newline + 1;
    if (state === 'heading') {
      if (TASKS_HEADING.test(body.slice(offset, lineEnd))) {
        headingStart = offset;
        state = 'fence';
      }
    } else if (state === 'fence') {
      const line = body.slice(offset, lineEnd);
      const match = YAML_FENCE.exec(line);
      if (match !== null) {
        fence = match[1] as string;
        fenceStart = offset;
        contentStart = end;
        state = 'content';
      } else if (/^ {0,3}#{1,2}[ \t]/.test(line)) return null;
    } else if (startsWithFenceCharacter(body, offset) && isClosing(body.slice(offset, lineEnd), fence)) {
      return { headingStart, fenceStart, contentStart, contentEnd: offset };
    }
    offset = end;
  }
  return null;
}

/** Most lines of the block are rows: only one starting with ` or ~ (after up to 3 spaces) can close it. */
function startsWithFenceCharacter(body: string, offset: number): boolean {
  let first = offset;
  while (first < offset + 3 && body.charCodeAt(first) === 0x20) first += 1;
  const code = body.charCodeAt(first);
  return code === 0x60 || code === 0x7e;
}

function isClosing(line: string, fence: string): boolean {
  const match = CLOSING_FENCE.exec(line);
  return match !== null && (match[1] as string)[0] === fence[0] && (match[1] as string).length >= fence.length;
}
