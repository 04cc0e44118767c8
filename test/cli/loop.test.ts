import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLI_PATH, isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir, runGit } from '../helpers/gitdir.js';
import { SCRIPTED_AGENT } from '../helpers/loop.js';
import { liveProcesses } from '../helpers/processes.js';
import { testdir } from '../helpers/testdir.js';

const FIXTURES = fileURLToPath(new URL('../loop/fixtures/', import.meta.url));
const exists = (path: string) => access(path).then(() => true, () => false);

/** An initialised repository whose config.yaml runs the scripted agent with `scenario` in both roles. */
async function initialised(scenario: string | object, test: string | null = null, files: Record<string, string> = { 'README.md': '# test\n' }) {
  const repo = await gitdir(files);
  const env = await isolatedEnv();
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  const stateDir = init.stdout.trim();
  const scenarioArg = typeof scenario === 'string' ? scenario : join(await testdir(), 'scenario.json');
  if (typeof scenario !== 'string') await writeFile(scenarioArg, JSON.stringify(scenario));
  const agent = `{type: command, argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SCRIPTED_AGENT)}, ${JSON.stringify(scenarioArg)}]}`;
  const config = [`repo: ${JSON.stringify(repo)}`, 'integration: main', ...(test === null ? [] : [`test: ${JSON.stringify(test)}`]), 'agents:', `  implementer: ${agent}`, `  reviewer: ${agent}`, ''].join('\n');
  await writeFile(join(stateDir, 'config.yaml'), config);
  return { repo, env, stateDir, scenarioArg };
}

const scrub = (text: string, replacements: Record<string, string>) => Object.entries(replacements).reduce((out, [from, to]) => out.split(from).join(to), text).replace(/\b[0-9a-f]{12}\b/g, '<sha>');

describe('ccx loop / ccx forever', () => {
  it('--commit: a clean loop lands one squash commit on the current branch and removes its worktree', async () => {
    const { repo, env, stateDir } = await initialised('defect-then-fix', 'node -e "process.exit(0)"');
    const run = await runCli(['loop', '--commit', 'Add a range(start, end) helper that includes both ends'], { cwd: repo, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(scrub(run.stdout, { [stateDir]: '<state>' })).toMatchInlineSnapshot(`
      "L-1 approved after 2 cycles: The reviewer (command) approved in cycle 2 of 2.
        verdicts: c1 needs-attention (1 high), c2 approve (no findings)
        tests: passing (node -e "process.exit(0)")
        handoff: <state>/runs/L-1/.handoff.md
      Merged into main as <sha> (1 file); the worktree and branch ccx/L-1 are removed.
      "
    `);
    expect(run.stderr).toContain(`[cycle 1/2] implement: command (${process.execPath}) …`);
    expect(run.stderr).toContain('[cycle 1/2] verdict: needs-attention, 1 high (0 skipped, 1 open)');
    expect(run.stderr).toContain('[cycle 2/2] tests passed in');
    expect((await runGit(repo, ['log', '--format=%s', 'main'])).trim().split('\n')).toEqual(['L-1: Add a range(start, end) helper that includes both ends', 'initial']);
    expect(await runGit(repo, ['log', '-1', '--format=%B'])).toContain('Verdicts:\n- c1 command: needs-attention (1 high)\n- c2 command: approve (no findings)\nTests: passing');
    expect(await readFile(join(repo, 'src/range.js'), 'utf8')).toContain('i <= end');
    expect((await runGit(repo, ['status', '--porcelain'])).trim()).toBe('');
    expect(await exists(join(stateDir, 'worktrees', 'L-1'))).toBe(false);
    expect((await runGit(repo, ['branch', '--list', 'ccx/*'])).trim()).toBe('');
    expect(await readFile(join(stateDir, 'runs', 'L-1', '.handoff.md'), 'utf8')).toMatch(/- Status: merged\n[\s\S]*- Merged: [0-9a-f]{40} on main/);
    expect(await readFile(join(stateDir, 'tasks', 'L-1.md'), 'utf8')).toContain('Add a range(start, end) helper that includes both ends');
  });

  it('a loop that does not end clean keeps its worktree and branch and says how to inspect and land them', async () => {
    const { repo, env, stateDir } = await initialised('stuck');
    await runCli(['loop', '--loops', '1', 'first'], { cwd: repo, env });
    const run = await runCli(['forever', '--max-cycles', '5', '--commit', 'Fix the README'], { cwd: repo, env });
    expect(run.exitCode).toBe(1);
    const base = (await runGit(repo, ['rev-parse', 'main'])).trim().slice(0, 12);
    expect(scrub(run.stdout.replace(base, 'BASE'), { [stateDir]: '<state>', [repo]: '<repo>' })).toMatchInlineSnapshot(`
      "L-2 stuck after 3 cycles: The same finding came back in 3 consecutive reviews (README.md: The same problem), so the loop cannot converge.
        verdicts: c1 needs-attention (1 high), c2 needs-attention (1 high), c3 needs-attention (1 high)
        tests: none configured
        unresolved:
          - [high] README.md:1 The same problem
        the reviewer's next steps:
          - Fix it.
        handoff: <state>/runs/L-2/.handoff.md
      Not merged: --commit lands only a clean exit (approved or filtered-clean, tests passing, nothing unresolved or out of scope).
      Kept for inspection: the worktree <state>/worktrees/L-2 (branch ccx/L-2).
        look:     git -C <repo> log --oneline BASE..ccx/L-2
                  git -C <repo> diff <sha> ccx/L-2
        land it:  git -C <repo> merge --squash ccx/L-2 && git -C <repo> commit
        discard:  git -C <repo> worktree remove --force <state>/worktrees/L-2 && git -C <repo> branch -D ccx/L-2
        prompts, outputs and verdicts: <state>/runs/L-2/a1
      "
    `);
    expect(run.stderr).toContain('[cycle 3/5] stuck: "README.md: The same problem" came back in 3 reviews in a row');
    expect((await runGit(repo, ['log', '--format=%s', `${base}..ccx/L-2`])).trim().split('\n')).toEqual(['L-2 a1 c3 fix', 'L-2 a1 c2 fix', 'L-2 a1 c1 implement']);
    expect(await exists(join(stateDir, 'worktrees', 'L-2', 'SCRIPTED-AGENT.md'))).toBe(true);
    expect((await runGit(repo, ['log', '--format=%s', 'main'])).trim()).toBe('initial');
  });

  it('--commit on a conflict: one resolve turn, then the merge lands', async () => {
    const implementer = { action: 'edit', files: { 1: { 'a.txt': 'task\n' }, '*': { 'a.txt': 'task and person\n' } } };
    const flag = join(await testdir(), 'moved');
    // The test command plays the person: after the first turn it commits a clashing a.txt on main.
    const { repo, env } = await initialised({ implementer, reviewer: { action: 'approve-at', cycle: 1 } }, `[ -f ${flag} ] || (touch ${flag} && cd "$REPO" && echo person > a.txt && git commit -qam person)`, { 'a.txt': 'base\n' });
    const run = await runCli(['loop', '--loops', '1', '--commit', 'Edit a.txt'], { cwd: repo, env: { ...env, REPO: repo } });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toContain('merge: a.txt conflict with main; one resolve turn follows');
    expect(run.stderr).toContain(`[cycle 2/2] resolve: command (${process.execPath}) …`);
    expect(run.stdout).toMatch(/Merged into main as [0-9a-f]{12} \(1 file, after one resolve turn\)/);
    expect(await readFile(join(repo, 'a.txt'), 'utf8')).toBe('task and person\n');
    expect((await runGit(repo, ['log', '--format=%s', 'main'])).trim().split('\n')).toEqual(['L-1: Edit a.txt', 'person', 'initial']);
  });

  it('without ccx init: Claude implements and Codex reviews, and the repository .handoff.md CURRENT STATE is rewritten', async () => {
    const repo = await gitdir({ 'README.md': '# x\n', '.handoff.md': '# H\n\n## CURRENT STATE\nold\n\n## Log\nkept\n' });
    const env = await isolatedEnv({ CCX_CLAUDE_BIN: join(FIXTURES, 'fake-claude.mjs'), CCX_CODEX_BIN: join(FIXTURES, 'fake-codex.mjs') });
    const run = await runCli(['loop', '--commit', 'Write a line'], { cwd: repo, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('claude implements, codex reviews');
    expect(run.stderr).toContain('no config.yaml, so no test command');
    expect(run.stdout).toContain('  cost: $0.0100 (agent-reported)');
    expect(await readFile(join(repo, 'CLAUDE-WORK.md'), 'utf8')).toBe('- cycle 1\n');
    expect(await readFile(join(repo, '.handoff.md'), 'utf8')).toMatch(/^# H\n\n## CURRENT STATE\nL-1: Write a line — landed by ccx on \d{4}-\d\d-\d\d \(approved after 1 cycle\)\.\nChanged: 1 file changed, 1 insertion\(\+\)\.\n\n## Log\nkept\n$/);
  });

  it('waits out a usage limit, saying until when, and runs the same turn again', async () => {
    const { repo, env } = await initialised('limit-once');
    const run = await runCli(['loop', 'Anything'], { cwd: repo, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\[cycle 1\/2\] command is limited \(usage-limit\): waiting until \d\d:\d\d:\d\d \(in \d\.\d s\), then the same turn runs again\. Ctrl-C stops\./);
    expect(run.stderr).toContain(`[cycle 1/2] review: command (${process.execPath}), try 2 …`);
    expect(run.stdout).toContain('L-1 approved after 1 cycle');
    expect(run.stdout).toContain('Ready to merge (run with --commit to have ccx land it).');
  });

  it('rejects bad flags with a usage error (exit 2) that says what to do', async () => {
    const repo = await gitdir();
    const env = await isolatedEnv();
    const usage = async (args: string[]) => {
      const run = await runCli(args, { cwd: repo, env });
      expect(run.exitCode).toBe(2);
      return run.stderr.split('\n')[0];
    };
    expect(await usage(['loop', '--duet', '--loops', '1', 'x'])).toMatchInlineSnapshot(`"ccx loop: --duet needs --loops 2 or more (it ends on two clean reviews in a row by different agents), but --loops is 1."`);
    expect(await usage(['loop', '--duet', '--conductor', 'x'])).toMatchInlineSnapshot(`"ccx loop: --duet and --conductor cannot be used together: duet has the two agents take turns, conductor gives every turn a fresh session of the same implementer."`);
    expect(await usage(['loop', '--loops', 'two', 'x'])).toMatchInlineSnapshot(`"ccx loop: --loops must be a whole number from 1 to 100, but it is "two"."`);
    expect(await usage(['forever', '--max-cycles', '0', 'x'])).toMatchInlineSnapshot(`"ccx forever: --max-cycles must be a whole number from 1 to 1000, but it is "0"."`);
    expect(await usage(['loop', '--min-severity', 'blocker', 'x'])).toMatchInlineSnapshot(`"ccx loop: --min-severity must be one of critical, high, medium, low, but it is "blocker"."`);
    expect(await usage(['loop', '--min-confidence', '1.5', 'x'])).toMatchInlineSnapshot(`"ccx loop: --min-confidence must be a number from 0 to 1, such as 0.7, but it is "1.5"."`);
    expect(await usage(['forever', '--duet', 'x'])).toMatchInlineSnapshot(`"ccx forever: Unknown option '--duet'."`);
    expect(await usage(['loop', '  '])).toMatchInlineSnapshot(`"ccx loop: the task is empty: describe what to do, in quotes."`);
    expect(await usage(['loop'])).toMatchInlineSnapshot(`"ccx loop: needs 1 argument."`);
  });
});

describe('ccx loop and Ctrl-C', () => {
  it('SIGINT stops the running turn with its processes, keeps the branch, and reports the attempt cancelled', async () => {
    const { repo, env, stateDir, scenarioArg } = await initialised({ implementer: { action: 'hang' } });
    const child = spawn(process.execPath, [CLI_PATH, 'loop', 'Hang'], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const turnStarted = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('[cycle 1/2] implement: command')) resolve();
      });
    });
    await turnStarted;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const agents = liveAgents(scenarioArg);
    expect(agents.length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code, 'Ctrl-C exits 130').toBe(130);
    expect(stderr).toContain('SIGINT: stopping the running turn and its processes; the branch is kept.');
    expect(stdout).toMatch(/^L-1 cancelled after 1 cycle: The implement turn of cycle 1 \(command\) ended with cancelled: /);
    expect(stdout).toContain(`Kept for inspection: the worktree ${join(stateDir, 'worktrees', 'L-1')} (branch ccx/L-1).`);
    expect(liveProcesses({ pids: agents })).toEqual([]);
  });
});

/** The scripted agents running now with this scenario file (their command line names both). */
function liveAgents(scenario: string): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,args='], { encoding: 'utf8' });
  return table.split('\n').filter((line) => line.includes(SCRIPTED_AGENT) && line.includes(scenario)).map((line) => Number(line.trim().split(/\s+/)[0]));
}
