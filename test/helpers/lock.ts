import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { onTestFinished } from 'vitest';

/**
 * Creates `lock` now, as another git process would, and has a separate process remove it after
 * `ms`. The child is killed if the test ends first, so nothing outlives the test.
 */
export async function holdLock(lock: string, ms: number): Promise<{ released: Promise<unknown> }> {
  await writeFile(lock, '', { flag: 'wx' });
  const child = spawn(process.execPath, ['-e', `setTimeout(() => require('node:fs').unlinkSync(${JSON.stringify(lock)}), ${ms})`], { stdio: 'ignore' });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { released: once(child, 'exit') };
}
