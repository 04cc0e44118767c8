import { describe, expect, it } from 'vitest';
import { claudeArgs } from '../../src/agents/claude/args.js';
import { codexArgs } from '../../src/agents/codex/args.js';
import type { TurnRequest } from '../../src/agents/index.js';

const BASE: TurnRequest = { role: 'implementer', prompt: 'p', worktree: '/wt/T-1', model: 'sonnet', effort: 'high', timeoutMs: 1000, scratchDir: '/scratch' };

describe('claude argv', () => {
  it('an implement turn: acceptEdits, the edit tools, the test command, a new session', () => {
    expect(claudeArgs({ ...BASE, testCommand: 'npm test', session: { id: 'uuid-1', resume: false } }, { type: 'claude' })).toMatchInlineSnapshot(`
      [
        "-p",
        "--output-format",
        "stream-json",
        "--verbose",
        "--model",
        "sonnet",
        "--effort",
        "high",
        "--permission-mode",
        "acceptEdits",
        "--allowedTools=Read,Edit,Write,Glob,Grep,Bash(git diff:*),Bash(git status:*),Bash(git log:*),Bash(npm test:*)",
        "--max-turns",
        "60",
        "--session-id",
        "uuid-1",
      ]
    `);
  });

  it('a resumed turn with config overrides', () => {
    const args = claudeArgs({ ...BASE, session: { id: 'uuid-1', resume: true } }, { type: 'claude', permissionMode: 'bypassPermissions', allowedTools: ['Read', 'Bash'], maxTurns: 5 });
    expect(args.slice(8)).toEqual(['--permission-mode', 'bypassPermissions', '--allowedTools=Read,Bash', '--max-turns', '5', '--resume', 'uuid-1']);
  });

  it('a review turn is read-only, whatever the config says, and carries the schema', () => {
    const args = claudeArgs({ ...BASE, role: 'reviewer', outputSchema: { type: 'object' } }, { type: 'claude', permissionMode: 'bypassPermissions' });
    expect(args.slice(8)).toEqual([
      '--permission-mode', 'default',
      '--allowedTools=Read,Glob,Grep,Bash(git diff:*),Bash(git status:*),Bash(git log:*)',
      '--max-turns', '60',
      '--disallowedTools=Edit,Write,NotebookEdit',
      '--json-schema', '{"type":"object"}',
    ]);
  });
});

describe('claude argv: the remaining budget', () => {
  it('passes what is left of max_cost_usd as --max-budget-usd, to a tenth of a cent and never 0', () => {
    const flag = (maxBudgetUsd: number | undefined) => {
      const args = claudeArgs({ ...BASE, maxBudgetUsd }, { type: 'claude' });
      return args.includes('--max-budget-usd') ? args[args.indexOf('--max-budget-usd') + 1] : undefined;
    };
    expect(flag(undefined)).toBeUndefined();
    expect(flag(5)).toBe('5');
    expect(flag(0.5 - 0.4)).toBe('0.099');
    expect(flag(0)).toBe('0.001');
  });
});

describe('codex argv', () => {
  it('a review turn: read-only, schema, -o, prompt on stdin', () => {
    expect(codexArgs({ ...BASE, role: 'reviewer', model: 'gpt-5.5' }, { schema: '/scratch/s.json', lastMessage: '/scratch/o.txt' })).toMatchInlineSnapshot(`
      [
        "exec",
        "--json",
        "--sandbox",
        "read-only",
        "--skip-git-repo-check",
        "-C",
        "/wt/T-1",
        "-m",
        "gpt-5.5",
        "-c",
        "model_reasoning_effort="high"",
        "--output-schema",
        "/scratch/s.json",
        "-o",
        "/scratch/o.txt",
        "-",
      ]
    `);
  });

  it('a resumed implement turn passes model and sandbox again, all flags before `resume`', () => {
    const args = codexArgs({ ...BASE, model: 'gpt-5.5', effort: 'max', session: { id: 'thread-1', resume: true } }, { lastMessage: '/scratch/o.txt' });
    expect(args).toEqual(['exec', '--json', '--sandbox', 'workspace-write', '--skip-git-repo-check', '-C', '/wt/T-1', '-m', 'gpt-5.5', '-c', 'model_reasoning_effort="xhigh"', '-o', '/scratch/o.txt', 'resume', 'thread-1', '-']);
  });
});
