import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir } from '../helpers/gitdir.js';

const ASKING_AGENT = fileURLToPath(new URL('../ask/fixtures/asking-agent.mjs', import.meta.url));

describe('ccx loop asks too (SPEC 15)', () => {
  it('with no terminal, the answerer goes first and the loop goes on with its answer', { timeout: 90_000 }, async () => {
    const repo = await gitdir({ 'README.md': '# test\n' });
    const env = { ...(await isolatedEnv()), ASK_CONFIDENCE: '0.95' };
    const stateDir = (await runCli(['init'], { cwd: repo, env })).stdout.trim();
    const agent = `{type: command, argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(ASKING_AGENT)}]}`;
    await writeFile(join(stateDir, 'config.yaml'), [`repo: ${JSON.stringify(repo)}`, 'integration: main', 'agents:', `  implementer: ${agent}`, `  reviewer: ${agent}`, 'ask: {auto_confidence: 0.9}', ''].join('\n'));
    const run = await runCli(['loop', '--commit', 'Colour the button'], { cwd: repo, env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('answered (by ccx, from the brief and the history): blue');
    expect(await readFile(join(repo, 'ANSWER.md'), 'utf8')).toBe('colour: blue\n');
  });
});
