import { pino, type DestinationStream, type Logger } from 'pino';
import { EVENT_WIDTH, REF_WIDTH } from '../../audit/index.js';
import type { LogLevel } from '../../config/env.js';
import { painter, type Tone } from '../../text/color.js';
import { printable } from '../../text/printable.js';
import { clock } from '../../text/clock.js';
import { priorityOfLevel, withPriority, type LogStyle } from './format.js';

/** Fields every pino record carries; the readable line shows the rest as key=value. */
const FRAME_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'task']);
const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'daemon', 40: 'daemon warning', 50: 'daemon error', 60: 'daemon fatal' };

/**
 * The daemon's pino logger for `style`: JSON exactly as pino writes it, or one readable line a
 * record in the columns of `ccx logs`; under journald each line gets its priority prefix. The core
 * keeps taking a plain pino logger: only where its lines go changes.
 */
export function daemonLogger(style: LogStyle, level: LogLevel, write: (text: string) => void): Logger {
  const render = style.format === 'json' ? null : readableLine(style.color);
  const stream: DestinationStream = {
    write(line: string) {
      const levelNumber = Number(/"level":(\d+)/.exec(line)?.[1] ?? 30);
      write(withPriority(render === null ? line : render(line), priorityOfLevel(levelNumber), style.journald));
    },
  };
  return pino({ level, base: { pid: process.pid } }, stream);
}

/** A pino JSON line as `HH:MM:SS  T-3           daemon warning    message  key=value …`. */
export function readableLine(color: boolean): (json: string) => string {
  const paint = painter(color);
  return (json) => {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(json) as Record<string, unknown>;
    } catch {
      return json;
    }
    const level = typeof record['level'] === 'number' ? record['level'] : 30;
    const time = new Date(typeof record['time'] === 'number' ? record['time'] : Date.now());
    const task = typeof record['task'] === 'string' ? record['task'] : '';
    const facts = Object.entries(record).filter(([key]) => !FRAME_FIELDS.has(key)).map(([key, value]) => `${key}=${factValue(value)}`);
    const tone: Tone | null = level >= 50 ? 'red' : level >= 40 ? 'yellow' : null;
    const label = LEVEL_NAMES[level] ?? 'daemon';
    const text = [String(record['msg'] ?? ''), ...facts].filter((part) => part !== '').join('  ');
    // Messages quote paths and agents' reasons: escaped before any colour is added.
    return `${paint('dim', clock(time, time))}  ${printable(task).padEnd(REF_WIDTH)}  ${paint(tone, label.padEnd(EVENT_WIDTH))}  ${printable(text)}`.trimEnd() + '\n';
  };
}

function factValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
