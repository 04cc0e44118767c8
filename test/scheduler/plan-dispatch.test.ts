import { describe, expect, it } from 'vitest';
import { parseBoard } from '../../src/board/parse/parser.js';
import { openRepo, scopesOverlap } from '../../src/git/index.js';
import { describeWait, planDispatch } from '../../src/scheduler/plan-dispatch.js';
import { describeDraftWait, draftWaits } from '../../src/scheduler/draft-dependencies.js';
import type { DispatchInput } from '../../src/scheduler/types.js';
import { gitdir } from '../helpers/gitdir.js';

const BOARD = `## Tasks

\`\`\`yaml
- id: T-1
  title: api
  status: running
  scope: [src/api/**]
- id: T-2
  title: api tests
  status: pending
  scope: [src/api/**/*.test.ts]
- id: T-3
  title: docs
  status: pending
  priority: low
  scope: [docs/**]
- id: T-4
  title: cli
  status: pending
  priority: high
  scope: [src/cli/**]
- id: T-5
  title: after docs
  status: pending
  depends_on: [T-3]
  scope: [README.md]
- id: T-6
  title: after merged
  status: pending
  depends_on: [T-7]
  scope: [src/util/**]
- id: T-7
  title: util
  status: merged
  scope: [src/util/**]
- id: T-8
  title: everything
  status: pending
\`\`\`
`;

async function input(overrides: Partial<DispatchInput> = {}): Promise<DispatchInput> {
  const repo = await openRepo(await gitdir({ 'src/api/routes.ts': 'x', 'src/api/routes.test.ts': 'x', 'docs/index.md': 'x', 'src/cli/main.ts': 'x', 'README.md': 'x' }));
  const rows = parseBoard(BOARD).rows;
  return {
    rows,
    boardValid: true,
    running: [{ id: 'T-1', scope: { include: ['src/api/**'], exclude: [] } }],
    parallel: 3,
    globalFree: 10,
    pausedAgents: new Map(),
    agentsNeeded: ['claude', 'codex'],
    overlap: (a, b) => scopesOverlap(repo, a, b),
    ...overrides,
  };
}

describe('what may run now (SPEC 7)', () => {
  it('orders by priority then id, and says why each other task waits', async () => {
    const plan = await planDispatch(await input());
    expect(plan.start.map((row) => row.id)).toEqual(['T-4', 'T-6']);
    expect(plan.waiting.map(({ row, reason }) => `${row.id}: ${describeWait(reason)}`)).toEqual([
      'T-2: scope overlaps running T-1 on src/api/routes.test.ts',
      'T-5: waits for T-3 to be merged (depends_on)',
      'T-8: scope overlaps running T-1 on src/api/routes.test.ts, src/api/routes.ts',
      'T-3: no free slot: 3 tasks of this repository already running (parallel: 3)',
    ]);
  });

  it('says a pending task that depends on a draft waits for a person to flip it', async () => {
    const board = parseBoard(BOARD.replace('  title: docs\n  status: pending', '  title: docs\n  status: draft').replace('  depends_on: [T-3]', '  depends_on: [T-3, T-7, T-9]').replace('- id: T-8', '- id: T-9\n  title: more docs\n  status: pending\n- id: T-8'));
    const plan = await planDispatch(await input({ rows: board.rows }));
    expect(plan.waiting.filter(({ row }) => row.id === 'T-5').map(({ reason }) => describeWait(reason))).toEqual(['T-3 is a draft: flip it to pending; waits for T-9 to be merged (depends_on)']);
    expect(describeDraftWait(['T-3', 'T-4', 'T-18'])).toBe('T-3, T-4 and T-18 are drafts: flip them to pending');
    expect([...draftWaits(board.rows)]).toEqual([['T-5', 'T-3 is a draft: flip it to pending']]);
  });

  it('starts nothing from an invalid board, and holds tasks while their agent is paused', async () => {
    const invalid = await planDispatch(await input({ boardValid: false }));
    expect(invalid.start).toEqual([]);
    expect(describeWait(invalid.waiting[0]!.reason)).toContain('nothing new starts until it is fixed');
    const until = new Date('2026-11-21T12:00:00Z');
    const paused = await planDispatch(await input({ pausedAgents: new Map([['codex', until]]) }));
    expect(paused.start).toEqual([]);
    expect(describeWait(paused.waiting[0]!.reason)).toBe('codex is paused by a usage limit until 2026-11-21T12:00:00.000Z');
  });

  it('counts the slots left across all repositories', async () => {
    const plan = await planDispatch(await input({ globalFree: 1 }));
    expect(plan.start.map((row) => row.id)).toEqual(['T-4']);
    expect(plan.waiting.find(({ row }) => row.id === 'T-6')?.reason).toEqual({ kind: 'global-slots', maxWorkers: 1 });
  });
});
