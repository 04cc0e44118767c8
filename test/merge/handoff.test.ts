import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitTurn } from '../../src/git/commit/turn.js';
import { readFileAtRev } from '../../src/merge/read-file.js';
import { squashMerge } from '../../src/merge/squash.js';
import { expectFsckClean } from '../helpers/checkout.js';
import { engineRepo, writeInto } from '../helpers/engine.js';
import { commitAll, runGit } from '../helpers/gitdir.js';

const HANDOFF = '# Handoff\r\n\r\nIntro kept as is.  \n\n## CURRENT STATE\nold state\n\n## Later\nkept *byte* for byte\n';

/** What the caller does with the merged .handoff.md: replace the CURRENT STATE section's body. */
function rewriteCurrentState(current: string | null): string | null {
  if (current === null) return null;
  return current.replace(/(## CURRENT STATE\n)[\s\S]*?(?=\n## |$)/, '$1T-1 landed: the feature works.\n');
}

describe('the .handoff.md override', () => {
  it('rewrites the CURRENT STATE section in the squash commit, the rest byte for byte', async () => {
    const { repo, dir, task } = await engineRepo({ '.handoff.md': HANDOFF, 'a.txt': 'a\n' });
    const worktree = await task('T-1');
    await writeInto(worktree.path, { 'a.txt': 'task a\n' });
    await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c1 implementer' });
    const result = await squashMerge(repo, { integration: 'main', branch: 'ccx/T-1', id: 'T-1', title: 'Feature', body: '', overrides: [{ path: '.handoff.md', content: rewriteCurrentState }] });
    expect(result).toMatchObject({ status: 'merged', filesChanged: ['.handoff.md', 'a.txt'] });
    const expected = '# Handoff\r\n\r\nIntro kept as is.  \n\n## CURRENT STATE\nT-1 landed: the feature works.\n\n## Later\nkept *byte* for byte\n';
    expect(await readFileAtRev(repo, 'main', '.handoff.md')).toBe(expected);
    // The person's checkout was fast-forwarded, so the file on disk is the new one too, and clean.
    expect(await readFile(join(dir, '.handoff.md'), 'utf8')).toBe(expected);
    expect((await runGit(dir, ['status', '--porcelain'])).trim()).toBe('');
    await expectFsckClean(dir);
  });

  it('keeps the mode of the file and adds nothing when the repository has no .handoff.md', async () => {
    const { repo, dir, task } = await engineRepo({ 'tool.sh': '#!/bin/sh\n' });
    await chmod(join(dir, 'tool.sh'), 0o755);
    await commitAll(dir, 'executable');
    const worktree = await task('T-1');
    await writeInto(worktree.path, { 'a.txt': 'task a\n' });
    await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c1 implementer' });
    const result = await squashMerge(repo, {
      integration: 'main', branch: 'ccx/T-1', id: 'T-1', title: 'Feature', body: '',
      overrides: [{ path: '.handoff.md', content: rewriteCurrentState }, { path: 'tool.sh', content: '#!/bin/sh\necho hi\n' }],
    });
    expect(result).toMatchObject({ status: 'merged', filesChanged: ['a.txt', 'tool.sh'] });
    expect((await runGit(dir, ['ls-tree', 'main', 'tool.sh'])).split(' ')[0]).toBe('100755');
    expect(await readFileAtRev(repo, 'main', '.handoff.md')).toBeNull();
    expect(await readFileAtRev(repo, 'main', 'tool.sh')).toBe('#!/bin/sh\necho hi\n');
  });
});
