import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/**
 * Whether `pid` is alive and is a ccx daemon (not an unrelated process that reused the pid).
 * Linux: /proc/<pid>/cmdline; elsewhere: ps.
 */
export async function processLooksLikeDaemon(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const command = await commandLine(pid);
  return command === null || (/\bccx\b|bin\.js|ccx\.js/.test(command) && /\bdaemon\b/.test(command));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

async function commandLine(pid: number): Promise<string | null> {
  if (process.platform === 'linux') {
    try {
      return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
    } catch {
      return null;
    }
  }
  return new Promise((resolve) => {
    execFile('ps', ['-p', String(pid), '-o', 'command='], (error, stdout) => resolve(error === null ? stdout : null));
  });
}
