import { removeTaskWorkspace } from '../../git/index.js';
import { readSummary, repoHandoffOverride, runResolveTurn, updateHandoff, type AttemptInput, type AttemptResult } from '../../loop/index.js';
import { CcxError } from '../../errors.js';
import { modelFor } from '../../loop/index.js';
import { baseMovedNote, commitSubject, DEFAULT_COMMIT_SUBJECT, squashMerge } from '../../merge/index.js';

export type Landing =
  | { status: 'merged'; sha: string; files: number; resolved: boolean }
  | { status: 'waiting'; checkout: string; files: string[]; detail: string }
  | { status: 'conflict'; files: string[]; resolve: AttemptResult };

/**
 * `--commit`: squash-merges the task branch into the integration branch (SPEC 6.8), with the
 * repository's .handoff.md CURRENT STATE rewritten. A conflict gets one resolve turn; when that
 * leaves the branch mergeable, the merge is tried once more. Merged: worktree and branch go.
 */
export async function landTask(input: AttemptInput, integration: string, result: AttemptResult, say: (line: string) => void, subjectSetting = DEFAULT_COMMIT_SUBJECT): Promise<Landing> {
  const id = input.task.id;
  const branch = `ccx/${id}`;
  const { model, effort } = modelFor(input.rung, input.agents.implementer.type, 'implementer');
  const merge = async (body: string) => {
    const summary = await readSummary(input.runDir);
    const overrides = summary === null ? [] : [repoHandoffOverride(summary)];
    const subject = await commitSubject(subjectSetting, {
      agent: input.agents.implementer, model, effort, repo: input.repo, integration, id, title: input.task.title, body, runDir: input.runDir, stateDir: input.stateDir, signal: input.signal,
    });
    return squashMerge(input.repo, { integration, branch, id, title: input.task.title, body, overrides, subject, base: input.base });
  };
  let outcome = await merge(result.commitBody);
  let resolved = false;
  if (outcome.status === 'conflict') {
    say(`merge: ${outcome.files.join(', ')} conflict with ${integration}; one resolve turn follows`);
    const resolve = await runResolveTurn({ ...input, integration, conflicts: outcome.files });
    if (!resolve.mergeable) return { status: 'conflict', files: outcome.files, resolve };
    resolved = true;
    outcome = await merge(resolve.commitBody);
    if (outcome.status === 'conflict') return { status: 'conflict', files: outcome.files, resolve };
  }
  if (outcome.status === 'waiting' && outcome.reason === 'base-moved') {
    throw new CcxError('MERGE_BASE_MOVED', `${branch} was not merged: ${baseMovedNote({ integration, ...outcome })}.`);
  }
  if (outcome.status === 'waiting') {
    const detail = outcome.files.length > 0 ? `local changes to ${outcome.files.join(', ')}` : `a ${outcome.operation ?? 'git operation'} in progress`;
    await updateHandoff(input.runDir, { status: `approved; waiting to merge: ${outcome.checkout} has ${detail}` });
    return { status: 'waiting', checkout: outcome.checkout, files: outcome.files, detail };
  }
  await updateHandoff(input.runDir, { status: 'merged', merged: { sha: outcome.sha, integration } });
  await removeTaskWorkspace(input.repo, { id, path: input.worktree });
  return { status: 'merged', sha: outcome.sha, files: outcome.filesChanged.length, resolved };
}
