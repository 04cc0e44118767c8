import { beforeAll, describe, expect, it } from 'vitest';
import { auditPrinter, type AuditRecord } from '../../src/audit/index.js';

beforeAll(() => {
  // Local time is what `ccx logs` shows; pin the zone so the snapshot does not depend on the machine.
  process.env['TZ'] = 'UTC';
});

const at = (time: string, event: string, fields: Record<string, unknown> = {}): AuditRecord => ({ time, event, repo: '/r', ...fields });

describe('auditPrinter', () => {
  it('prints one compact line per record, with a day line when the day changes', () => {
    const print = auditPrinter({ color: false });
    const records = [
      at('2025-03-09T23:59:58.000Z', 'daemon.started', { pid: 4242, version: '0.1.0', node: '20.19.0', repos: 2 }),
      at('2025-03-10T08:00:00.000Z', 'task.dispatched', { task: 'T-12', attempt: 1, branch: 'ccx/T-12', worktree: '/s/worktrees/T-12', tier: 'default', mode: 'loop' }),
      at('2025-03-10T08:00:01.000Z', 'turn.started', { task: 'T-12', attempt: 1, cycle: 1, role: 'implementer', agent: 'claude', model: 'sonnet', effort: 'high', phase: 'implement' }),
      at('2025-03-10T08:03:13.000Z', 'turn.finished', {
        task: 'T-12', attempt: 1, cycle: 1, role: 'implementer', agent: 'claude', model: 'sonnet', phase: 'implement', outcome: 'ok',
        exit_code: 0, duration_ms: 192_400, prompt_bytes: 12_345, output_bytes: 4_100, cost_usd: 0.4213, input_tokens: 1_200, output_tokens: 34_000,
      }),
      at('2025-03-10T08:03:20.000Z', 'test.finished', { task: 'T-12', attempt: 1, cycle: 1, passed: false, exit_code: 1, duration_ms: 6_300, log: '/s/runs/T-12/a1/test-1.log' }),
      at('2025-03-10T08:05:00.000Z', 'review.verdict', { task: 'T-12', attempt: 1, cycle: 1, verdict: 'needs-attention', counts: { critical: 0, high: 1, medium: 0, low: 2 }, skipped: 1, open: 2 }),
      at('2025-03-10T08:09:00.000Z', 'turn.finished', { task: 'T-12', attempt: 1, cycle: 2, role: 'reviewer', agent: 'codex', outcome: 'timeout', exit_code: null, signal: 'SIGKILL', duration_ms: 1_800_000, prompt_bytes: 900, output_bytes: 0, error: 'the turn ran past 30 minutes' }),
      at('2025-03-10T08:10:00.000Z', 'limit.paused', { agent: 'claude', until: '2025-03-10T13:00:00.000Z', reason: 'usage limit' }),
      at('2025-03-10T08:12:00.000Z', 'task.stuck', { task: 'T-12', attempt: 1, cycle: 4, finding: 'Null check missing in parse()', reviews: 3 }),
      at('2025-03-10T08:12:01.000Z', 'task.escalated', { task: 'T-12', attempt: 2, from: 'default', to: 'strong', reason: 'stuck' }),
      at('2025-03-10T08:20:00.000Z', 'merge.conflict', { task: 'T-12', attempt: 2, files: ['src/a.ts', 'src/b.ts', 'src/c.ts', '… and 2 more'], resolve: true }),
      at('2025-03-10T08:21:00.000Z', 'merge.waiting', { task: 'T-12', attempt: 2, branch: 'main', reason: 'the checkout has local changes to files the merge touches', files: ['README.md'] }),
      at('2025-03-10T08:25:00.000Z', 'merge.done', { task: 'T-12', attempt: 2, sha: '0123456789abcdef0123456789abcdef01234567', branch: 'main' }),
      at('2025-03-10T08:25:01.000Z', 'board.written', { task: 'T-12', from: 'running', status: 'merged', fields: ['status', 'finished_at', 'commit', 'exit_status'] }),
      at('2025-03-10T08:25:01.000Z', 'task.finished', { task: 'T-12', attempt: 2, status: 'merged', exit_status: 'approved', cycles: 2, commit: '0123456789abcdef0123456789abcdef01234567', cost_usd: 1.2 }),
      at('2025-03-10T08:30:00.000Z', 'board.invalid', { problems: 2, messages: ['14:3 bad indentation of a sequence entry', '20:1 duplicate id T-4'] }),
      at('2025-03-10T08:31:00.000Z', 'something.new', { answer: 42, note: 'from a newer ccx' }),
    ];
    expect(records.map(print).join('')).toMatchInlineSnapshot(`
      "── 2025-03-09 (Sun) ──
      23:59:58                daemon.started    pid 4242 · ccx 0.1.0 · node 20.19.0 · 2 repositories
      ── 2025-03-10 (Mon) ──
      08:00:00  T-12 a1       task.dispatched   ccx/T-12 · tier default · mode loop
      08:00:01  T-12 a1 c1    turn.started      implement: implementer claude sonnet/high
      08:03:13  T-12 a1 c1    turn.finished     implement: implementer claude sonnet → ok · exit 0 · 3m12s · prompt 12.3 kB · output 4.1 kB · 1.2k in/34.0k out tokens · $0.42
      08:03:20  T-12 a1 c1    test.finished     FAILED (exit 1) · 6.3s · /s/runs/T-12/a1/test-1.log
      08:05:00  T-12 a1 c1    review.verdict    needs-attention · 1 high, 2 low · 1 skipped · 2 open
      08:09:00  T-12 a1 c2    turn.finished     reviewer codex → timeout · killed by SIGKILL · 30m00s · prompt 900 B · output 0 B · the turn ran past 30 minutes
      08:10:00                limit.paused      claude until 13:00:00 · usage limit
      08:12:00  T-12 a1 c4    task.stuck        "Null check missing in parse()" in 3 reviews in a row
      08:12:01  T-12 a2       task.escalated    default → strong · (stuck)
      08:20:00  T-12 a2       merge.conflict    5 files: src/a.ts, src/b.ts, src/c.ts (+2 more) · a resolve turn follows
      08:21:00  T-12 a2       merge.waiting     main · the checkout has local changes to files the merge touches · README.md
      08:25:00  T-12 a2       merge.done        0123456789 · on main
      08:25:01  T-12          board.written     running → merged · (status, finished_at, commit (+1 more))
      08:25:01  T-12 a2       task.finished     merged (approved) · 2 cycles · 0123456789 · $1.20
      08:30:00                board.invalid     2 problems · 14:3 bad indentation of a sequence entry (+1 more)
      08:31:00                something.new     answer=42 · note=from a newer ccx
      "
    `);
  });

  it('colours what needs a look when asked to', () => {
    const print = auditPrinter({ color: true });
    expect(print(at('2025-03-10T08:20:00.000Z', 'merge.conflict', { files: ['a'] }))).toContain('\u001b[31mmerge.conflict');
    expect(print(at('2025-03-10T08:25:00.000Z', 'merge.done', { sha: 'abc' }))).toContain('\u001b[32mmerge.done');
  });
});
