import { errnoCode } from '../../errors.js';
import { groupMembers } from './members.js';

/**
 * True while any live process belongs to group `pgid`. A group of zombies only counts as gone:
 * their reaper may never come.
 */
export function isProcessGroupAlive(pgid: number): boolean {
  if (!isValidPgid(pgid)) return false;
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if (errnoCode(error) === 'ESRCH') return false;
  }
  return groupMembers(pgid).length > 0;
}

/** Sends `signal` to the whole group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  if (!isValidPgid(pgid)) return;
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if (errnoCode(error) !== 'ESRCH' && errnoCode(error) !== 'EPERM') throw error;
  }
}

export function signalProcesses(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if (errnoCode(error) !== 'ESRCH' && errnoCode(error) !== 'EPERM') throw error;
    }
  }
}

/** Group 0 and 1 would signal ccx's own group or every process: never. */
function isValidPgid(pgid: number): boolean {
  return Number.isInteger(pgid) && pgid > 1 && pgid !== process.pid;
}
