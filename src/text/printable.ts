/**
 * Characters a terminal may act on instead of showing: C0 controls (ESC starts colour, title and
 * clear-screen sequences), DEL, C1 controls (0x9b is a one-byte CSI on some terminals), the line
 * and paragraph separators, and the bidirectional overrides and isolates that reorder what is shown.
 */
export const CONTROL_CHARACTERS = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const CONTROL = new RegExp(`[${CONTROL_CHARACTERS}]`, 'gu');
const CONTROL_EXCEPT_LAYOUT = new RegExp(`(?![\\n\\t])[${CONTROL_CHARACTERS}]`, 'gu');

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/**
 * Text from a board, a brief, an inbox file or an agent, made safe to print on a terminal: every
 * control character is written as an escape (`\e`, `\n`, `\x00`, `\u202e`), so a title can never
 * move the cursor, retitle the window or clear the screen. `multiline` keeps line feeds and tabs as
 * they are (for text printed as lines of its own). JSON output needs none of this: JSON escapes them itself.
 */
export function printable(text: string, options: { multiline?: boolean } = {}): string {
  const pattern = options.multiline === true ? CONTROL_EXCEPT_LAYOUT : CONTROL;
  return text.replace(pattern, escapeOne);
}

/** Whether `text` holds a character printable() would escape (row and submission checks refuse those in one-line fields). */
export function controlCharacterIn(text: string): { index: number; escaped: string } | null {
  CONTROL.lastIndex = 0;
  const match = CONTROL.exec(text);
  CONTROL.lastIndex = 0;
  return match === null ? null : { index: match.index, escaped: escapeOne(match[0]) };
}

function escapeOne(character: string): string {
  const named = NAMED[character];
  if (named !== undefined) return named;
  const code = character.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
