import { describe, expect, it } from 'vitest';
import { replaceCurrentState, repoHandoffOverride } from '../../src/loop/index.js';
import type { AttemptTask } from '../../src/loop/index.js';
import { squashMerge, readFileAtRev } from '../../src/merge/index.js';
import { commitTurn } from '../../src/git/index.js';
import { engineRepo, writeInto } from '../helpers/engine.js';

describe("the repository's .handoff.md", () => {
  it('gets its CURRENT STATE section rewritten, every other byte kept', () => {
    const text = '# Handoff\r\n\r\nIntro.  \n\n## CURRENT STATE\nold state\nmore old\n\n## Later\nkept *byte* for byte\n';
    expect(replaceCurrentState(text, 'new state')).toBe('# Handoff\r\n\r\nIntro.  \n\n## CURRENT STATE\nnew state\n\n## Later\nkept *byte* for byte\n');
  });

  it('keeps CRLF, a last section, H3s and fenced headings inside the section', () => {
    expect(replaceCurrentState('## Current State\r\nold\r\n', 'a\nb')).toBe('## Current State\r\na\r\nb\r\n');
    const fenced = '## CURRENT STATE\nold\n```\n## not a heading\n```\n### Detail\nold detail\n# Top\nrest';
    expect(replaceCurrentState(fenced, 'new')).toBe('## CURRENT STATE\nnew\n\n# Top\nrest');
    expect(replaceCurrentState('# Notes\n\n## STATE\nx\n', 'new')).toBeNull();
  });

  it('is rewritten in the squash commit through the override, and left alone when the repository has none', async () => {
    const { repo, task } = await engineRepo({ '.handoff.md': '# H\n\n## CURRENT STATE\nold\n\n## Log\nx\n', 'a.txt': 'a\n' });
    const worktree = await task('T-1');
    await writeInto(worktree.path, { 'a.txt': 'b\n' });
    await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c1 implement' });
    const summary = {
      task: { id: 'T-1', title: 'Change a' } as AttemptTask,
      exit: 'approved' as const,
      cycles: 2,
      changed: ' a.txt | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n',
      nextSteps: ['Tell people'],
      testCommand: 'npm test',
      testsPassing: true,
    };
    const override = repoHandoffOverride(summary, new Date('2026-03-01T10:00:00Z'));
    expect(await squashMerge(repo, { integration: 'main', branch: 'ccx/T-1', id: 'T-1', title: 'Change a', body: '', overrides: [override] })).toMatchObject({ status: 'merged' });
    expect(await readFileAtRev(repo, 'main', '.handoff.md')).toMatchInlineSnapshot(`
      "# H

      ## CURRENT STATE
      T-1: Change a — landed by ccx on 2026-03-01 (approved after 2 cycles).
      Changed: 1 file changed, 1 insertion(+), 1 deletion(-).
      Tests: \`npm test\` passes.
      Next steps:
      - Tell people

      ## Log
      x
      "
    `);
    expect(typeof override.content === 'function' && override.content(null)).toBeNull();
  });
});
