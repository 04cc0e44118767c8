import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon, waitFor, world } from '../helpers/daemon.js';

/** CPU seconds (user + system) a process has used so far (Linux /proc; clock ticks are 1/100 s). */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe('the daemon and odd inbox file names', () => {
  it('files a submission named with a newline once, takes the next one, and then sits idle (no loop: no events, no CPU, no log)', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [] });
    const inbox = join(target.repo, '.ccx', 'inbox');
    const daemon = startDaemon(target);
    await waitFor('the daemon to start', async () => (await target.auditEvents()).some((event) => event['event'] === 'daemon.started'), 20_000, daemon);
    await writeFile(join(inbox, 'two\nlines.md'), '---\ntitle: newline name\nstatus: draft\n---\nDo it.\n');
    await writeFile(Buffer.from(`${inbox}/\u001b]0;x\u0007-\xff.md`, 'latin1'), '---\ntitle: odd bytes\nstatus: draft\n---\n');
    await waitFor('both accepted', async () => (await target.auditEvents()).filter((event) => event['event'] === 'inbox.accepted').length === 2, 20_000, daemon);
    await writeFile(join(inbox, 'plain.md'), '---\ntitle: plain\nstatus: draft\n---\n');
    await waitFor('the next one accepted too', async () => (await target.auditEvents()).filter((event) => event['event'] === 'inbox.accepted').length === 3, 20_000, daemon);
    const pid = daemon.child.pid as number;
    // Settle, then watch a quiet window: a daemon looping on a file shows as events, CPU and log lines here.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const events = (await target.auditEvents()).length;
    const output = daemon.output().length;
    const cpu = await cpuSeconds(pid);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const spent = (await cpuSeconds(pid)) - cpu;
    expect((await target.auditEvents()).length).toBe(events);
    expect(daemon.output().length).toBe(output);
    expect(spent).toBeLessThan(0.3);
    const accepted = (await target.auditEvents()).filter((event) => event['event'] === 'inbox.accepted').map((event) => event['task']);
    expect(accepted.sort()).toEqual(['T-1', 'T-2', 'T-3']);
    expect((await target.board()).rows.map((row) => row.title).sort()).toEqual(['newline name', 'odd bytes', 'plain']);
    expect((await readdir(inbox)).sort()).toEqual(['.processing', 'accepted']);
    expect(await readdir(target.paths.tasks)).toHaveLength(3);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });
});
