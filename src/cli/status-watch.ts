import { UsageError } from '../errors.js';
import type { CliIO } from './command.js';
import { clock } from '../text/clock.js';

export const DEFAULT_WATCH_INTERVAL_S = 1;
const MIN_WATCH_INTERVAL_S = 0.1;
const CLEAR_SCREEN = '\u001b[H\u001b[2J';
const SEPARATOR = '─'.repeat(40);

/** `--interval S`: seconds between frames, 0.1 or more. */
export function watchInterval(value: string | undefined): number {
  if (value === undefined) return DEFAULT_WATCH_INTERVAL_S * 1000;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds < MIN_WATCH_INTERVAL_S) throw new UsageError(`--interval must be a number of seconds, ${MIN_WATCH_INTERVAL_S} or more, but it is ${JSON.stringify(value)}.`, { hint: 'For example: ccx status --watch --interval 5' });
  return seconds * 1000;
}

/**
 * Redraws what `render` prints every `intervalMs` until Ctrl-C or SIGTERM, like watch(1): on a
 * terminal the screen is cleared and the frame drawn from the top; elsewhere frames follow each
 * other after a separator line, or as one JSON object a line with `json`.
 */
export async function watchFrames(io: CliIO, intervalMs: number, json: boolean, render: (frameIo: CliIO) => Promise<unknown>): Promise<number> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (let frame = 0; !stop.signal.aborted; frame += 1) {
      let text = '';
      await render({ ...io, stdout: (chunk) => (text += chunk) });
      if (stop.signal.aborted) break;
      if (json) io.stdout(`${JSON.stringify(JSON.parse(text))}\n`);
      else if (io.stdoutIsTTY) io.stdout(`${CLEAR_SCREEN}${header(intervalMs)}${text}`);
      else io.stdout(`${frame === 0 ? '' : `${SEPARATOR}\n`}${header(intervalMs)}${text}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
}

function header(intervalMs: number): string {
  return `Every ${intervalMs / 1000} s: ccx status, at ${clock(new Date())} (Ctrl-C to stop)\n\n`;
}
