import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideNextAttempt } from '../../src/loop/index.js';
import { BUILT_IN_LADDER } from '../../src/loop/ladder/built-in.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir, runGit } from '../helpers/gitdir.js';
import { SCRIPTED_AGENT } from '../helpers/loop.js';
import { FIXTURES } from './loop-state.js';

/** A repository whose reviewer always answers needs-attention with one low finding of confidence 0.4. */
async function filteredReviews() {
  const repo = await gitdir();
  const env = await isolatedEnv();
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  const stateDir = init.stdout.trim();
  const implementer = `{type: command, argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SCRIPTED_AGENT)}]}`;
  const reviewer = `{type: command, argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(join(FIXTURES, 'answering-reviewer.mjs'))}, ${JSON.stringify(JSON.stringify(['verdicts/fenced-needs-attention.md']))}]}`;
  await writeFile(join(stateDir, 'config.yaml'), [`repo: ${JSON.stringify(repo)}`, 'integration: main', 'agents:', `  implementer: ${implementer}`, `  reviewer: ${reviewer}`, ''].join('\n'));
  return { repo, env };
}

describe("forever's stricter exit", () => {
  it('ccx forever --commit: findings all filtered out without an approval end filtered-unapproved, and nothing is committed or merged', async () => {
    const { repo, env } = await filteredReviews();
    const run = await runCli(['forever', '--commit', '--min-confidence', '0.5', 'Add a heading'], { cwd: repo, env });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('L-1 filtered-unapproved after 1 cycle: The reviewer (command) left nothing at or above the filter in cycle 1 of 100 but did not approve; forever mode merges only an approval.');
    expect((await runGit(repo, ['log', '--format=%s', 'main'])).trim()).toBe('initial');
    expect((await runGit(repo, ['status', '--porcelain'])).trim()).toBe('');
  });

  it('ccx loop --commit keeps filtered-clean and lands the same review', async () => {
    const { repo, env } = await filteredReviews();
    const run = await runCli(['loop', '--commit', '--min-confidence', '0.5', 'Add a heading'], { cwd: repo, env });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('L-1 filtered-clean after 1 cycle');
    expect((await runGit(repo, ['log', '--format=%s', 'main'])).trim().split('\n')).toEqual(['L-1: Add a heading', 'initial']);
  });

  it('the daemon blocks a filtered-unapproved task rather than merging it', () => {
    expect(decideNextAttempt({ exit: 'filtered-unapproved', mergeable: false, attempt: 1, maxAttempts: 4, rung: 'default', ladder: BUILT_IN_LADDER })).toEqual({
      action: 'finish', status: 'blocked', exitStatus: 'filtered-unapproved', reason: 'the reviewer did not approve, though every finding it gave was under the filter',
    });
  });
});
