import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { startDaemon, waitFor, world, type World } from '../../helpers/daemon.js';

const ASKING_AGENT = fileURLToPath(new URL('../../ask/fixtures/asking-agent.mjs', import.meta.url));

/** One task whose command agent asks (exit 76) which colour to use, and writes the answer into ANSWER.md. */
async function askingWorld(ask: string, confidence: string): Promise<World & { askFile: string }> {
  const target = await world({ tasks: [{ id: 'T-1', title: 'pick a colour' }], env: { ASK_CONFIDENCE: confidence } });
  const argv = JSON.stringify([process.execPath, ASKING_AGENT]);
  const config = await readFile(target.paths.config, 'utf8');
  await writeFile(target.paths.config, `${config.replace(/ {2}implementer: .*\n {2}reviewer: .*\n/, `  implementer: {type: command, argv: ${argv}}\n  reviewer: {type: command, argv: ${argv}}\n`)}ask: ${ask}\n`);
  return { ...target, askFile: join(target.paths.stateDir, 'asks', 'T-1.md') };
}

const openFile = (path: string) => readFile(path, 'utf8').then(() => true, () => false);

describe('questions to the person, through the daemon (SPEC 15)', () => {
  it('asks the person when the answerer is unsure, shows waiting: question, and merges after `ccx answer`', { timeout: 120_000 }, async () => {
    const target = await askingWorld('{auto_confidence: 0.8}', '0.4');
    const daemon = startDaemon(target, ['--once']);
    await waitFor('the question file', () => openFile(target.askFile), 60_000, daemon);
    await waitFor('waiting: question in ccx status', async () => {
      const status = JSON.parse((await runCli(['status', '--json'], { cwd: target.repo, env: target.env })).stdout) as { repos: Array<{ tasks: Array<{ id: string; waiting?: string }> }> };
      return status.repos[0]?.tasks.find((task) => task.id === 'T-1')?.waiting?.startsWith('waiting: question — "Which colour should the button be?"') === true;
    }, 30_000, daemon);
    const answered = await runCli(['answer', 'T-1', 'green'], { cwd: target.repo, env: target.env });
    expect(answered.stdout).toContain('T-1: answer written to');
    expect(await daemon.exited(90_000), daemon.output()).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('merged');
    expect(await target.git('show', 'main:ANSWER.md')).toBe('colour: green\n');
    expect(await openFile(target.askFile)).toBe(false);
    expect((await readdir(join(target.paths.stateDir, 'asks', 'answered'))).length).toBe(1);
    const events = await target.auditEvents();
    expect(events.find((event) => event['event'] === 'ask.asked')).toMatchObject({ task: 'T-1', question: 'Which colour should the button be?', options: ['blue', 'green'], file: target.askFile, guess: 'blue', guess_confidence: 0.4 });
    expect(events.find((event) => event['event'] === 'ask.answered')).toMatchObject({ task: 'T-1', by: 'person', answer: 'green' });
  });

  it('keeps the question across a daemon killed with SIGKILL while it waits, and takes the answer written in the file after the restart', { timeout: 150_000 }, async () => {
    const target = await askingWorld('{auto_confidence: 0.8, wait: 1m}', '0.1');
    const first = startDaemon(target);
    await waitFor('the question file', () => openFile(target.askFile), 60_000, first);
    first.child.kill('SIGKILL');
    await first.exited(10_000);
    const second = startDaemon(target, ['--once']);
    await waitFor('the restarted daemon to resume T-1', async () => (await target.auditEvents()).some((event) => event['event'] === 'recovery.resumed'), 60_000, second);
    const text = await readFile(target.askFile, 'utf8');
    await writeFile(target.askFile, `${text}blue, as the Direction says\n`);
    expect(await second.exited(90_000), second.output()).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('merged');
    expect(await target.git('show', 'main:ANSWER.md')).toBe('colour: blue, as the Direction says\n');
  });

  it('blocks the task with reason question when nobody answers within ask.timeout', { timeout: 90_000 }, async () => {
    const target = await askingWorld('{wait: 1s, timeout: 3s, answerer: none}', '0.9');
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(60_000), daemon.output()).toBe(0);
    expect(await target.row('T-1')).toMatchObject({ status: 'blocked', exitStatus: 'question' });
    expect((await target.auditEvents()).some((event) => event['event'] === 'ask.expired')).toBe(true);
  });
});
