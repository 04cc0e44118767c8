// A Ctrl-C at `ccx daemon`'s (or `ccx loop`'s) terminal goes to its whole process group. git calls,
// agents and test commands run in groups of their own, but each joins it only a moment after its
// fork: a signal in that moment killed the new process before it ran, and a pass under way at the
// Ctrl-C failed (seen as "could not list left-over worktrees" on a stop), or a turn or a test run
// read as failed. Produced for real: a process that ignores SIGINT, as the daemon does, starts
// processes while its group receives SIGINTs 25 ms apart; every one must answer. (The caller's own
// exit may be killed by a late SIGINT: only its answers count.)
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testdir } from '../helpers/testdir.js';

const GIT_JS = fileURLToPath(new URL('../../dist/git/run.js', import.meta.url));
const GROUP_JS = fileURLToPath(new URL('../../dist/agents/process/run.js', import.meta.url));

const CALLER = `
import { gitUnqueued } from ${JSON.stringify(GIT_JS)};
import { runInGroup } from ${JSON.stringify(GROUP_JS)};
process.on('SIGINT', () => undefined);
const [what, count] = [process.argv[2], Number(process.argv[3])];
let failed = 0;
let answered = 0;
const fail = (why) => { failed += 1; process.stderr.write(why + '\\n'); };
const one = what === 'git'
  ? () => gitUnqueued(['--version'], { cwd: process.cwd(), readOnly: true }).then(() => { answered += 1; }, (error) => fail(error.message))
  : () => runInGroup({ file: 'sh', args: ['-c', 'cat; echo ok'], cwd: process.cwd(), env: process.env, input: 'in ', timeoutMs: 30_000, killGraceMs: 200 })
      .then((run) => (run.exitCode === 0 && run.stdout === 'in ok\\n' ? (answered += 1) : fail(JSON.stringify(run))));
process.stdout.write('ready\\n');
for (let i = 0; i < count; i += 1) await Promise.all([one(), one()]);
process.stdout.write(JSON.stringify({ answered, failed }) + '\\n');
`;

async function underCtrlC(what: 'git' | 'group', pairs: number): Promise<void> {
  const dir = await testdir();
  const script = join(dir, 'caller.mjs');
  await writeFile(script, CALLER);
  // A group of its own (pgid = pid), so the signals reach the caller and its new children, not vitest.
  const child = spawn(process.execPath, [script, what, String(pairs)], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let sent = 0;
  // A person's Ctrl-C, again and again: 25 ms apart, so a process started again has time to run.
  const presses = setInterval(() => {
    if (!stdout.includes('ready') || stdout.includes('answered')) return;
    try {
      process.kill(-(child.pid as number), 'SIGINT');
      sent += 1;
    } catch {
      // The caller has finished.
    }
  }, 25);
  await new Promise((resolve) => child.on('close', resolve));
  clearInterval(presses);
  expect(sent).toBeGreaterThan(5);
  expect({ result: stdout.split('\n')[1], stderr }).toEqual({ result: JSON.stringify({ answered: pairs * 2, failed: 0 }), stderr: '' });
}

describe("a process ccx starts as a Ctrl-C reaches ccx's process group", () => {
  it('a git call killed before it ran is made again', { timeout: 60_000 }, async () => {
    await underCtrlC('git', 150);
  });

  it('an agent or test command killed before it ran is started again', { timeout: 60_000 }, async () => {
    await underCtrlC('group', 100);
  });
});
