import { inboxPaths } from '../../config/paths.js';
import { ingestInbox } from '../../inbox/ingest.js';
import type { RepoRuntime } from '../runtime/repo-runtime.js';

/** The daemon's inbox pass: each outcome goes to the audit log; a file left for later is tried on the next pass. */
export async function ingestInboxForDaemon(runtime: RepoRuntime): Promise<void> {
  const inbox = inboxPaths(runtime.repo.root);
  const outcomes = await ingestInbox({ store: runtime.store, paths: runtime.paths, inbox, acceptedFolder: inbox.accepted, maxQueueDepth: runtime.services.env.maxQueueDepth, repo: runtime.repo });
  for (const outcome of outcomes) {
    if (outcome.status === 'accepted') runtime.audit.write('inbox.accepted', { task: outcome.id, file: outcome.name });
    else if (outcome.status === 'rejected') runtime.audit.write('inbox.rejected', { file: outcome.name, reason: outcome.reason });
    else if (outcome.status === 'deferred') runtime.dirty.add('inbox');
  }
}
