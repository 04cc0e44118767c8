import type { ParsedBoard } from '../../board/parse/board.js';
import type { Scope } from '../../board/types.js';
import { resolveRef, scopesOverlap, trackedInScope, type Scope as GitScope } from '../../git/index.js';
import { describeWait, planDispatch } from '../../scheduler/plan-dispatch.js';
import type { RepoRuntime } from '../runtime/repo-runtime.js';
import { WAITING_QUESTION } from '../worker/ask-hooks.js';
import { startWorker, type Candidate } from './reconcile.js';

interface OverlapCache {
  head: string | null;
  pairs: Map<string, Promise<{ overlap: boolean; files: string[]; example?: string }>>;
  /** Each scope's tracked files: a pass compares every waiting task with every running one. */
  tracked: Map<string, Promise<string[]>>;
}

const overlapCaches = new WeakMap<RepoRuntime, OverlapCache>();

/** Starts what may run now (SPEC 7) and records why every other pending task waits. */
export async function dispatch(runtime: RepoRuntime, board: ParsedBoard | null, candidates: readonly Candidate[]): Promise<void> {
  const workers = [...runtime.workers.values()];
  const startable = candidates.filter((candidate) => !runtime.workers.has(candidate.row.id));
  const closed = runtime.services.dispatchClosed();
  if (board === null || !board.valid || runtime.services.isStopping() || closed) {
    const why = runtime.services.isStopping() ? 'the daemon is stopping' : closed ? 'the daemon was started with --max-tasks and has merged that many; nothing new starts in this run' : 'BOARD.md cannot be read as a whole (see Problems); nothing new starts until it is fixed';
    runtime.queue = (runtime.board?.rows ?? []).filter((row) => row.status === 'pending' && !runtime.workers.has(row.id)).map((row) => ({ id: row.id, title: row.title, reason: why }));
    runtime.idle = workers.every((worker) => worker.status.phase === 'waiting-merge') && !runtime.holdsOnce();
    return;
  }
  const overlap = await overlapChecker(runtime);
  const plan = await planDispatch({
    rows: board.rows,
    candidates: startable.map((candidate) => candidate.row),
    boardValid: true,
    // Another tool's running rows hold their scopes just like ccx's own workers.
    running: [...workers.map((worker) => ({ id: worker.id, scope: worker.scope, parked: worker.status.phase === WAITING_QUESTION })), ...runtime.foreign.map((row) => ({ id: row.id, scope: row.scope }))],
    parallel: runtime.config.parallel,
    globalFree: runtime.services.slots.free(),
    pausedAgents: runtime.services.limits.paused(),
    agentsNeeded: [runtime.config.agents.implementer.type, runtime.config.agents.reviewer.type],
    overlap,
  });
  const startKinds = new Map(startable.map((candidate) => [candidate.row.id, candidate.start]));
  for (const row of plan.start) startWorker(runtime, row, startKinds.get(row.id) ?? 'new');
  runtime.queue = plan.waiting.map(({ row, reason }) => ({ id: row.id, title: row.title, reason: describeWait(reason) }));
  runtime.idle = plan.start.length === 0 && [...runtime.workers.values()].every((worker) => worker.status.phase === 'waiting-merge') && !runtime.holdsOnce();
}

/** scopesOverlap asks git about tracked files: cached per pair and per scope until the integration branch moves. */
async function overlapChecker(runtime: RepoRuntime) {
  const head = await resolveRef(runtime.repo, `refs/heads/${runtime.config.integration}`);
  let cache = overlapCaches.get(runtime);
  if (cache === undefined || cache.head !== head) {
    cache = { head, pairs: new Map(), tracked: new Map() };
    overlapCaches.set(runtime, cache);
  }
  const { pairs, tracked } = cache;
  const trackedOnce = (scope: GitScope) => {
    const key = JSON.stringify([scope.include, scope.exclude]);
    let files = tracked.get(key);
    if (files === undefined) {
      files = trackedInScope(runtime.repo, scope);
      // A failed listing is not remembered: the next pass asks git again.
      files.catch(() => tracked.delete(key));
      tracked.set(key, files);
    }
    return files;
  };
  return (a: Scope, b: Scope) => {
    const key = JSON.stringify([a.include, a.exclude, b.include, b.exclude]);
    let result = pairs.get(key);
    if (result === undefined) {
      result = scopesOverlap(runtime.repo, a, b, trackedOnce);
      pairs.set(key, result);
    }
    return result;
  };
}
