import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { loopUser } from './loop-state.js';

const FILES = { 'src/config/read.ts': 'x\n', 'src/config/parse/yaml.ts': 'x\n', 'docs/usage.md': 'x\n', 'lint/rule.ts': 'x\n' };

describe('scopes that mean something else than in ccx-loop', () => {
  it('ccx tasks, ccx status and STATUS.md give a notice with one example file and the glob spelling; the row is not a problem', async () => {
    const user = await loopUser({ files: FILES });
    const text = (await readFile(user.board, 'utf8')).replace('      - src/config/\n', '      - src/config/*.ts\n').replace('status: pending', 'status: draft').replace('status: pending', 'status: draft');
    await writeFile(user.board, text);
    const line = text.split('\n').indexOf('- id: T-1') + 1;
    const message = 'T-1: its scope means something else than it did in ccx-loop: git\'s default reading (ccx-loop\'s) selects src/config/parse/yaml.ts, which ccx\'s glob reading (`*` stays inside a folder) does not; to keep ccx-loop\'s meaning write "src/config/*.ts" as "src/config/**/*.ts".';

    const json = await runCli(['tasks', '--json'], { cwd: user.repo, env: user.env });
    expect(json.exitCode, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as Array<{ id: string; problems: unknown[]; notices: unknown[] }>;
    expect(rows.map((row) => [row.id, row.problems, row.notices])).toEqual([
      ['T-1', [], [{ line, column: 3, task: 'T-1', message }]],
      ['T-2', [], []],
      ['T-3', [], []],
    ]);
    const plain = await runCli(['tasks'], { cwd: user.repo, env: user.env });
    expect(plain.stderr).toBe(`notice: ${user.board}:${line}:3: ${message}\n`);

    const status = JSON.parse((await runCli(['status', '--json'], { cwd: user.repo, env: user.env })).stdout) as { repos: Array<{ board: { valid: boolean; problems: unknown[] }; tasks: Array<Record<string, unknown>> }> };
    expect(status.repos[0]?.board).toEqual({ valid: true, problems: [] });
    expect(status.repos[0]?.tasks.find((task) => task['id'] === 'T-1')?.['notices']).toEqual([message]);

    const daemon = await runCli(['daemon', '--once'], { cwd: user.repo, env: user.env });
    expect(daemon.exitCode, daemon.stderr).toBe(0);
    expect(await readFile(join(user.stateDir, 'STATUS.md'), 'utf8')).toContain(`## Notices\n\nNot problems: these rows run as written, but their scope means something else than it did in ccx-loop.\n\n- BOARD.md:${line}:3: ${message}\n`);
  });

  it('says nothing where both readings select the same files', async () => {
    const user = await loopUser({ files: FILES });
    await writeFile(user.board, (await readFile(user.board, 'utf8')).replace('      - docs/\n', '      - docs/*.md\n'));
    const rows = JSON.parse((await runCli(['tasks', '--json'], { cwd: user.repo, env: user.env })).stdout) as Array<{ notices: unknown[] }>;
    expect(rows.map((row) => row.notices)).toEqual([[], [], []]);
  });
});
