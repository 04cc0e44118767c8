/**
 * A test hook for crash tests: `CCX_CRASH_AT=<name>` (or `<name>@<n>` for the n-th time, 1-based)
 * makes this process kill itself with SIGKILL the moment it reaches the named point, so the real
 * code runs up to exactly there and a test can check what a restart makes of it. Several points
 * may be listed, separated by commas. Unset (as in every real use), a crash point costs one
 * property read.
 *
 * Point names say where they are: `journal:<record type>:before|after`, `board-swap:<step>`,
 * `audit:<event>:after`, `spawn:agent:after`, `merge:<step>`. `CCX_CRASH_TRACE=<file>` appends
 * every point reached (one name a line), so a randomised harness can pick kill points that a run
 * really reaches.
 */
import { appendFileSync } from 'node:fs';

interface Armed {
  name: string;
  nth: number;
}

let armed: Armed[] | null = null;
const reached = new Map<string, number>();

function parse(value: string | undefined): Armed[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((entry) => {
    const at = entry.lastIndexOf('@');
    const name = (at > 0 ? entry.slice(0, at) : entry).trim();
    const nth = at > 0 ? Number.parseInt(entry.slice(at + 1), 10) : 1;
    return { name, nth: Number.isSafeInteger(nth) && nth > 0 ? nth : 1 };
  });
}

export function crashPoint(name: string): void {
  const trace = process.env.CCX_CRASH_TRACE;
  if (trace !== undefined && trace !== '') {
    try {
      appendFileSync(trace, `${name}\n`);
    } catch {
      // A trace is best effort.
    }
  }
  armed ??= parse(process.env.CCX_CRASH_AT);
  if (armed.length === 0) return;
  const count = (reached.get(name) ?? 0) + 1;
  reached.set(name, count);
  if (armed.some((point) => point.name === name && point.nth === count)) process.kill(process.pid, 'SIGKILL');
}

/**
 * The other test hook: `CCX_FAIL_AT=<name>` makes the process fail by an error at the named
 * point: thrown there (`<name>` or `<name>~throw`), thrown from a timer so nothing catches it
 * (`<name>~uncaught`), or as a promise nobody handles (`<name>~rejection`). Tests use it to see
 * the daemon report and notify its own crash (`daemon.failed`). Unset, it costs one property read.
 */
export function failPoint(name: string): void {
  const value = process.env.CCX_FAIL_AT;
  if (value === undefined || value === '') return;
  for (const entry of value.split(',')) {
    const [point, mode = 'throw'] = entry.trim().split('~');
    if (point !== name) continue;
    const error = new Error(`CCX_FAIL_AT made ccx fail at ${name} (a test hook)`);
    if (mode === 'uncaught') {
      setImmediate(() => {
        throw error;
      });
    } else if (mode === 'rejection') {
      void Promise.reject(error);
    } else {
      throw error;
    }
  }
}
