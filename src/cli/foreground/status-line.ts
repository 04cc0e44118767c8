import type { LoopEvent } from '../../loop/index.js';
import { painter } from '../../text/color.js';
import { printable } from '../../text/printable.js';
import { clock, seconds } from '../../text/clock.js';
import { agentShown } from './progress.js';

/** How often the status line's elapsed times tick. */
export const STATUS_TICK_MS = 1_000;

const CLEAR_LINE = '\r\u001b[2K';

/** Where `ccx loop`'s progress goes: whole lines, and (on a terminal) what runs now. */
export interface ProgressOutput {
  line(text: string): void;
  /** What runs now (a turn, the tests, a wait), shown with its elapsed time; null: between steps. */
  activity(text: string | null): void;
  /** Removes the status line (before the report, or at the end). */
  close(): void;
}

/** Off a terminal: plain lines as they come, nothing redrawn. */
export function plainProgress(write: (text: string) => void): ProgressOutput {
  return { line: (text) => write(`${text}\n`), activity: () => undefined, close: () => undefined };
}

export interface LiveProgressOptions {
  write: (text: string) => void;
  color: boolean;
  /** The terminal's width now (it can be resized). */
  columns: () => number;
  now?: () => Date;
}

/**
 * On a terminal: each line starts with the local time, and a status line below them shows what
 * runs now with its elapsed time and the run's, redrawn in place once a second and cleared before
 * any other output so it never mixes with a line.
 */
export function liveProgress(options: LiveProgressOptions): ProgressOutput {
  const now = options.now ?? (() => new Date());
  const paint = painter(options.color);
  const started = now().getTime();
  let current: { text: string; since: number } | null = null;
  let shown = false;
  let closed = false;
  const statusText = () => {
    const at = now().getTime();
    const total = `total ${seconds(at - started)}`;
    const text = current === null ? total : `${current.text} · ${seconds(at - current.since)} · ${total}`;
    // A line wider than the terminal wraps, and \r would then clear only its last row.
    const width = Math.max(10, options.columns() - 1);
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  };
  const draw = () => {
    if (closed) return;
    options.write(`${CLEAR_LINE}${paint('dim', '▸')} ${paint('bold', printable(statusText()))}`);
    shown = true;
  };
  const clear = () => {
    if (shown) options.write(CLEAR_LINE);
    shown = false;
  };
  const timer = setInterval(draw, STATUS_TICK_MS);
  timer.unref();
  return {
    line(text) {
      clear();
      options.write(`${paint('dim', clock(now(), now()))} ${text}\n`);
      draw();
    },
    activity(text) {
      if (text !== current?.text) current = text === null ? null : { text, since: now().getTime() };
      draw();
    },
    close() {
      clearInterval(timer);
      clear();
      closed = true;
    },
  };
}

/** What a loop event says runs now, for the status line; undefined: the event changes nothing. */
export function activityTracker(): (event: LoopEvent) => string | null | undefined {
  let of = 0;
  return (event) => {
    switch (event.type) {
      case 'attempt.started':
        of = event.maxCycles;
        return undefined;
      case 'turn.started':
        return `[cycle ${event.cycle}/${of}] ${event.phase}: ${agentShown(event)}`;
      case 'phase':
        return event.phase === 'test' ? `[cycle ${event.cycle}/${of}] tests` : undefined;
      case 'limit.paused':
        return `[cycle ${event.cycle}/${of}] ${event.agent} limited: waiting until ${clock(new Date(event.until))}`;
      case 'turn.finished':
      case 'test.finished':
      case 'limit.resumed':
        return null;
      case 'attempt.finished':
        return null;
      default:
        return undefined;
    }
  };
}
