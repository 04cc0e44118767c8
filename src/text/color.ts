/**
 * The one rule for ANSI colour in every human-readable output (logs -f, status, the daemon's
 * terminal lines, loop progress, the demo), after https://no-color.org and FORCE_COLOR:
 * NO_COLOR set and non-empty: none; FORCE_COLOR 1/2/3/true (or empty): colour even off a terminal;
 * FORCE_COLOR 0/false: none; otherwise colour iff the stream is a terminal and TERM is not `dumb`.
 */
export function colorEnabled(env: NodeJS.ProcessEnv, streamIsTTY: boolean): boolean {
  if ((env['NO_COLOR'] ?? '') !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) {
    const value = force.trim().toLowerCase();
    if (value === '0' || value === 'false') return false;
    if (value === '' || value === 'true' || value === '1' || value === '2' || value === '3') return true;
  }
  return streamIsTTY && env['TERM'] !== 'dumb';
}

const SGR = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

export type Tone = keyof typeof SGR;

/** A painter that wraps text in one SGR code, or leaves it as it is when colour is off. */
export function painter(enabled: boolean): (tone: Tone | null, text: string) => string {
  return (tone, text) => (enabled && tone !== null && text !== '' ? `\u001b[${SGR[tone]}m${text}\u001b[0m` : text);
}
