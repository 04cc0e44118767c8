import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../src/status/collect.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir } from '../helpers/gitdir.js';

async function initialised() {
  const repo = await gitdir({ 'README.md': '# test\n' });
  const env = await isolatedEnv();
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  const stateDir = init.stdout.trim();
  return { repo, env, stateDir, board: join(stateDir, 'BOARD.md') };
}

const tasksBlock = (yaml: string) => `# Board\n\n## Tasks\n\n\`\`\`yaml\n${yaml}\`\`\`\n`;

describe('a pending task that depends on a draft', () => {
  it('says which draft to flip, in ccx tasks, ccx tasks --json, ccx status and status --json', async () => {
    const { repo, env, board } = await initialised();
    await writeFile(board, tasksBlock('- id: T-17\n  title: after the draft\n  status: pending\n  depends_on: [T-18]\n- id: T-18\n  title: still written\n  status: draft\n'));
    const json = JSON.parse((await runCli(['tasks', '--json'], { cwd: repo, env })).stdout) as Array<Record<string, unknown>>;
    expect(json.map((row) => [row['id'], row['waiting']])).toEqual([['T-17', 'T-18 is a draft: flip it to pending'], ['T-18', undefined]]);
    expect((await runCli(['tasks'], { cwd: repo, env })).stdout).toContain('T-17  pending  normal    after the draft  (after T-18)  — T-18 is a draft: flip it to pending\n');
    const status = await runCli(['status'], { cwd: repo, env });
    expect(status.stdout).toContain('  T-17   pending   after the draft  — T-18 is a draft: flip it to pending\n');
    const report = JSON.parse((await runCli(['status', '--json'], { cwd: repo, env })).stdout) as StatusReport;
    expect(report.repos[0]?.tasks.find((task) => task['id'] === 'T-17')?.['waiting']).toBe('T-18 is a draft: flip it to pending');
  });
});

describe('an unquoted ": " inside a value', () => {
  it('in a BOARD.md row: says to quote the value, at its line:column, with the fix written out', async () => {
    const { repo, env, board } = await initialised();
    await writeFile(board, tasksBlock('- id: T-1\n  title: Fix: the parser\n  status: pending\n'));
    const result = await runCli(['tasks'], { cwd: repo, env });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(`${board}:7:10: the Tasks YAML does not parse: the value of title holds an unquoted ": ", which YAML reads as another key; quote the value, for example: title: "Fix: the parser"`);
  });

  it('in config.yaml: the same, for the setting', async () => {
    const { repo, env, stateDir } = await initialised();
    const config = join(stateDir, 'config.yaml');
    await writeFile(config, `repo: ${JSON.stringify(repo)}\nintegration: main\ntest: npm test -- --grep a: b\n`);
    const message = 'config.yaml does not parse: the value of test holds an unquoted ": ", which YAML reads as another key; quote the value, for example: test: "npm test -- --grep a: b"';
    expect((await runCli(['status'], { cwd: repo, env })).stdout).toContain(`  config.yaml:3:7: ${message}\n`);
    const report = JSON.parse((await runCli(['status', '--json'], { cwd: repo, env })).stdout) as StatusReport;
    expect(report.repos[0]?.config).toEqual({ valid: false, problems: [{ path: config, line: 3, column: 7, message }] });
  });
});

describe('a model-ladder.json that is not valid JSON', () => {
  it('names its real line:column, whatever Node version wrote the parser message', async () => {
    const { repo, env, stateDir, board } = await initialised();
    await writeFile(board, tasksBlock('- id: T-1\n  title: one\n  status: pending\n'));
    await writeFile(join(stateDir, 'model-ladder.json'), '{\n  "default_start": "default"\n  "tiers": []\n}\n');
    const result = await runCli(['tasks'], { cwd: repo, env });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/: model-ladder\.json:3:3: not valid JSON: [^\n]*\(no task is dispatched until model-ladder\.json is fixed or removed\)\n/);
    expect(result.stderr).not.toMatch(/position \d/);
  });
});
