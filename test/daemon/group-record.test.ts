import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runInGroup } from '../../src/agents/process/run.js';
import { readJournal } from '../../src/daemon/journal/journal.js';
import { loopHooks } from '../../src/daemon/worker/loop-hooks.js';
import type { WorkerHost } from '../../src/daemon/worker/host.js';
import { initialStatus } from '../../src/daemon/worker/live-status.js';
import { testdir } from '../helpers/testdir.js';

// Reads its prompt, then says whether the file named by $RECORD already held the group's record.
const AGENT = "let t='';process.stdin.on('data',(d)=>(t+=d));process.stdin.on('end',()=>{let j='';try{j=require('fs').readFileSync(process.env.RECORD,'utf8')}catch{}process.stdout.write(j.includes('\"type\":\"group\"')?'recorded':'unrecorded')})";

describe('agent process groups are journalled before the agent can work', () => {
  it('the prompt reaches the agent only once the spawn hook\'s record has settled, however slow it is', async () => {
    const record = join(await testdir(), 'journal.jsonl');
    const result = await runInGroup({
      file: process.execPath,
      args: ['-e', AGENT],
      cwd: await testdir(),
      env: { ...process.env, RECORD: record },
      input: 'the prompt',
      timeoutMs: 10_000,
      // A slow disk: the record lands 500 ms after the spawn.
      onSpawn: async (group) => {
        await sleep(500);
        await appendFile(record, `${JSON.stringify({ type: 'group', pgid: group.pgid, token: group.token })}\n`);
      },
    });
    expect(result.stdout).toBe('recorded');
  });

  it('the daemon\'s hook journals the group (fsynced) and its end, in order', async () => {
    const journal = join(await testdir(), 'runs', 'T-1', 'journal.jsonl');
    const controller = new AbortController();
    const hooks = loopHooks({ host: {} as WorkerHost, journal, id: 'T-1', attempt: 1, status: initialStatus('T-1', 't', 1, 2), signal: controller.signal, afterCheckpoint: () => undefined });
    const result = await runInGroup({
      file: process.execPath,
      args: ['-e', AGENT],
      cwd: await testdir(),
      env: { ...process.env, RECORD: journal },
      input: 'the prompt',
      timeoutMs: 10_000,
      onSpawn: (group) => hooks.onProcessGroup?.(group),
    });
    await hooks.onProcessGroup?.(null);
    expect(result.stdout).toBe('recorded');
    expect((await readJournal(journal)).map((entry) => entry.type)).toEqual(['group', 'group-ended']);
  });
});
