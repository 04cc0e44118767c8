import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config-file.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { commitAll, gitdir, runGit } from '../helpers/gitdir.js';
import { SCRIPTED_AGENT } from '../helpers/loop.js';
import { testdir } from '../helpers/testdir.js';
import { FIXTURES } from './loop-state.js';

/** A repository with 25 commits in a conventional style, initialised, its implementer the subject agent. */
async function styledRepo(commitSubject: string) {
  const repo = await gitdir();
  for (let n = 1; n <= 25; n++) {
    await writeFile(join(repo, 'README.md'), `# test ${n}\n`);
    await commitAll(repo, `feat(core): change number ${n}`);
  }
  const log = join(await testdir(), 'subject.jsonl');
  const env = await isolatedEnv({ SUBJECT_LOG: log });
  const stateDir = (await runCli(['init'], { cwd: repo, env })).stdout.trim();
  const implementer = `{type: command, argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(join(FIXTURES, 'subject-agent.mjs'))}]}`;
  const reviewer = `{type: command, argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SCRIPTED_AGENT)}]}`;
  await writeFile(join(stateDir, 'config.yaml'), [`repo: ${JSON.stringify(repo)}`, 'integration: main', `commit_subject: ${JSON.stringify(commitSubject)}`, 'agents:', `  implementer: ${implementer}`, `  reviewer: ${reviewer}`, ''].join('\n'));
  return { repo, env, log };
}

describe('commit subjects in the repository style', () => {
  it('commit_subject: agent asks the implementer once, read-only, with the last 20 subjects, and keeps the Ccx-Task trailer', async () => {
    const { repo, env, log } = await styledRepo('agent');
    const run = await runCli(['loop', '--commit', 'Add a usage page'], { cwd: repo, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await runGit(repo, ['log', '-1', '--format=%s'])).trim()).toBe('docs: add a usage page');
    expect((await runGit(repo, ['log', '-1', '--format=%(trailers:key=Ccx-Task,valueonly)'])).trim()).toBe('L-1');
    const asked = (await readFile(log, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { role: string; prompt: string });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.role).toBe('reviewer');
    expect(asked[0]?.prompt).toContain('Add a usage page');
    expect(asked[0]?.prompt).toContain('## The last 20 subjects on main, newest first\n\n- feat(core): change number 25\n');
    expect(asked[0]?.prompt).toContain('- feat(core): change number 6\n');
    expect(asked[0]?.prompt).not.toContain('change number 5\n');
  });

  it('commit_subject: "{title}" keeps task ids out of the subject; the trailer stays', async () => {
    const { repo, env } = await styledRepo('{title}');
    const run = await runCli(['loop', '--commit', 'Add a usage page'], { cwd: repo, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await runGit(repo, ['log', '-1', '--format=%s%n%(trailers:key=Ccx-Task,valueonly)'])).trim()).toBe('Add a usage page\nL-1');
  });

  it('an agent that answers nothing usable leaves the title as the subject', async () => {
    const { repo, env } = await styledRepo('agent');
    const run = await runCli(['loop', '--commit', 'Add a usage page'], { cwd: repo, env: { ...env, SUBJECT_ANSWER: '' } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await runGit(repo, ['log', '-1', '--format=%s'])).trim()).toBe('Add a usage page');
  });

  it('config.yaml takes "{id}: {title}" (the default), "{title}" and agent, and names what is wrong with anything else', () => {
    const config = (subject?: string) => parseConfig(['repo: /r', 'integration: main', ...(subject === undefined ? [] : [`commit_subject: ${JSON.stringify(subject)}`]), ''].join('\n'));
    expect(config()).toMatchObject({ config: { commitSubject: '{id}: {title}' } });
    expect(config('agent')).toMatchObject({ config: { commitSubject: 'agent' } });
    expect(config('{id}')).toEqual({ problems: [{ line: 3, column: 17, message: 'commit_subject must contain {title} (such as "{id}: {title}" or "{title}"), or be agent, but it is "{id}".' }] });
    expect(config('{title} ({branch})')).toEqual({ problems: [{ line: 3, column: 17, message: 'commit_subject knows only {id} and {title}, but it has {branch}.' }] });
  });
});
