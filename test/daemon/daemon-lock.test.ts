import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimDataRoot, daemonFiles, runningDaemon } from '../../src/daemon/lock/daemon-lock.js';
import { testdir } from '../helpers/testdir.js';

describe('one daemon per data root', () => {
  it('refuses a second claim while the first daemon lives, naming its pid', async () => {
    const root = await testdir();
    // A stand-in daemon: a live process whose command line says `ccx … daemon`.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'ccx', 'daemon'], { stdio: 'ignore' });
    try {
      await writeFile(daemonFiles(root).record, JSON.stringify({ pid: other.pid, startedAt: '2026-01-01T00:00:00.000Z' }));
      await expect(claimDataRoot(root)).rejects.toMatchObject({ code: 'DAEMON_RUNNING', message: expect.stringContaining(`another ccx daemon (pid ${other.pid}`) });
      expect(await runningDaemon(root)).toMatchObject({ pid: other.pid });
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over at once from a daemon that died (kill -9), and releases its claim', async () => {
    const root = await testdir();
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => dead.on('exit', resolve));
    await writeFile(join(root, 'daemon.json'), JSON.stringify({ pid: dead.pid, startedAt: '2026-01-01T00:00:00.000Z' }));
    const lock = await claimDataRoot(root);
    expect(lock.record.pid).toBe(process.pid);
    await lock.release();
    expect(await runningDaemon(root)).toBeNull();
  });
});
