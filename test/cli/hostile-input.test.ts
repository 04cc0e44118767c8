import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir } from '../helpers/gitdir.js';

async function initialised() {
  const repo = await gitdir({ 'README.md': '# test\n', 'src/app.ts': 'export {};\n' });
  const env = await isolatedEnv();
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  const stateDir = init.stdout.trim();
  return { repo, env, stateDir, board: join(stateDir, 'BOARD.md'), inbox: join(repo, '.ccx', 'inbox') };
}

const tasksBlock = (yaml: string) => `# Board\n\n## Direction\n\nGo.\n\n## Tasks\n\n\`\`\`yaml\n${yaml}\`\`\`\n`;

/** Every command here must end: a spin shows as a timeout, not as a hung test run. */
const QUICK = { timeoutMs: 20_000 };

describe('ids past 2^53', () => {
  it('skips a row whose id is past 2^53 - 1 with its line:column, and ccx add goes on numbering from the real ids', async () => {
    const { repo, env, board, stateDir } = await initialised();
    await writeFile(board, tasksBlock('- id: T-3\n  title: fine\n  status: draft\n- id: T-99999999999999999999\n  title: huge\n  status: draft\n'));
    const listed = await runCli(['tasks'], { cwd: repo, env, ...QUICK });
    expect(listed.exitCode).toBe(0);
    expect(listed.stderr).toContain(`${board}:13:7: row 2: id T-99999999999999999999 is past T-9007199254740991: an id's number must be at most 9007199254740991 (2^53 - 1), the largest ccx counts on exactly; renumber the row`);
    const first = await runCli(['add', 'one'], { cwd: repo, env, ...QUICK });
    expect([first.exitCode, first.stdout]).toEqual([0, 'T-4\n']);
    const second = await runCli(['add', 'two'], { cwd: repo, env, ...QUICK });
    expect([second.exitCode, second.stdout]).toEqual([0, 'T-5\n']);
    expect((await readdir(join(stateDir, 'tasks'))).sort()).toEqual(['T-4.md', 'T-5.md']);
    const text = await readFile(board, 'utf8');
    expect(text).toContain('- id: T-4\n  title: one\n');
    expect(text).toContain('- id: T-5\n  title: two\n');
  });

  it('ends with a clear error, never a spin, once the highest id is 2^53 - 1; a huge leftover brief does not count', async () => {
    const { repo, env, board, stateDir, inbox } = await initialised();
    // What the bug left behind: a brief named after an id ccx printed but did not write.
    await writeFile(join(stateDir, 'tasks', 'T-100000000000000000000.md'), 'left by an old ccx');
    const added = await runCli(['add', 'after the leftover'], { cwd: repo, env, ...QUICK });
    expect([added.exitCode, added.stdout]).toEqual([0, 'T-1\n']);
    await writeFile(board, tasksBlock('- id: T-9007199254740991\n  title: the last safe id\n  status: draft\n'));
    const full = await runCli(['add', 'one more'], { cwd: repo, env, ...QUICK });
    expect(full.exitCode).toBe(1);
    expect(full.stderr).toContain('ccx has no id left to give: the next would be past 9007199254740991');
    await writeFile(join(inbox, 'more.md'), '---\ntitle: one more\n---\n');
    const ingested = await runCli(['inbox'], { cwd: repo, env, ...QUICK });
    expect(ingested.stderr + ingested.stdout).toContain('ccx has no id left to give');
    expect(await readFile(board, 'utf8')).toBe(tasksBlock('- id: T-9007199254740991\n  title: the last safe id\n  status: draft\n'));
  });

  it('refuses a depends_on past 2^53 - 1 as a row problem', async () => {
    const { repo, env, board } = await initialised();
    await writeFile(board, tasksBlock('- id: T-1\n  title: a\n  status: draft\n  depends_on: [T-99999999999999999999]\n'));
    const listed = await runCli(['tasks'], { cwd: repo, env, ...QUICK });
    expect(listed.stderr).toContain(`${board}:13:15: T-1: depends_on names T-99999999999999999999, which is past`);
  });
});
