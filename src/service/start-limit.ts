import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureDir, writeFileAtomic } from '../fs/atomic-write.js';
import { errnoCode } from '../errors.js';
import { LAUNCHD_LABEL, START_LIMIT_BURST, START_LIMIT_INTERVAL_SEC } from './constants.js';

/**
 * launchd restarts a crashing agent forever (every ThrottleInterval seconds). In service mode the
 * daemon counts its own starts in a small file under the data root, with systemd's rule: at most
 * START_LIMIT_BURST starts within START_LIMIT_INTERVAL_SEC. The start after that is refused: the
 * daemon says why on stderr (launchd's daemon.err.log) and exits 0, which KeepAlive
 * {SuccessfulExit: false} does not restart. A clean stop clears the count, and so does
 * `ccx service install`.
 */
export interface StartLimit {
  burst: number;
  intervalMs: number;
}

export const DEFAULT_START_LIMIT: StartLimit = { burst: START_LIMIT_BURST, intervalMs: START_LIMIT_INTERVAL_SEC * 1000 };

export type StartDecision =
  | { allowed: true; starts: number }
  | { allowed: false; starts: number; message: string };

export interface StartRecord {
  /** Start times (ms since the epoch) within the interval, oldest first. */
  starts: number[];
  /** When a start was last refused, or null. */
  gaveUpAt: number | null;
}

/** Records a start now; refuses it when the burst is used up within the interval. */
export async function recordServiceStart(file: string, now = Date.now(), limit: StartLimit = DEFAULT_START_LIMIT): Promise<StartDecision> {
  const record = await readServiceStarts(file);
  const recent = record.starts.filter((time) => time > now - limit.intervalMs && time <= now);
  if (recent.length >= limit.burst) {
    await save(file, { starts: recent, gaveUpAt: now });
    return { allowed: false, starts: recent.length, message: gaveUpMessage(recent.length, limit) };
  }
  recent.push(now);
  await save(file, { starts: recent, gaveUpAt: null });
  return { allowed: true, starts: recent.length };
}

/** Forgets every counted start: after a clean stop, or a fresh install. */
export async function clearServiceStarts(file: string): Promise<void> {
  await save(file, { starts: [], gaveUpAt: null });
}

/** The counted starts; a missing or unreadable file counts as none (it must never keep the daemon down). */
export async function readServiceStarts(file: string): Promise<StartRecord> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { starts: [], gaveUpAt: null };
    throw error;
  }
  try {
    const value = JSON.parse(text) as { starts?: unknown; gave_up_at?: unknown };
    const starts = Array.isArray(value.starts) ? value.starts.filter((time): time is number => typeof time === 'number' && Number.isFinite(time)) : [];
    return { starts: starts.sort((a, b) => a - b), gaveUpAt: typeof value.gave_up_at === 'number' ? value.gave_up_at : null };
  } catch {
    return { starts: [], gaveUpAt: null };
  }
}

function gaveUpMessage(starts: number, limit: StartLimit): string {
  const minutes = Math.max(1, Math.round(limit.intervalMs / 60_000));
  const interval = `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return (
    `ccx daemon: started ${starts} times within ${interval}, so it stops here instead of being restarted forever by launchd. ` +
    'The lines above in this log say why it failed. Fix that, then run `ccx service install` again ' +
    `(or wait ${interval} and run \`launchctl kickstart gui/$(id -u)/${LAUNCHD_LABEL}\`).`
  );
}

async function save(file: string, record: StartRecord): Promise<void> {
  await ensureDir(dirname(file));
  await writeFileAtomic(file, `${JSON.stringify({ starts: record.starts, gave_up_at: record.gaveUpAt })}\n`);
}
