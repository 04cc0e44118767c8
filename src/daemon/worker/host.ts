import type { AgentAdapter } from '../../agents/index.js';
import type { AuditLog } from '../../audit/index.js';
import type { BoardStore } from '../../board/store/board-store.js';
import type { ParsedBoard } from '../../board/parse/board.js';
import type { RepoConfig } from '../../config/config-file.js';
import type { StatePaths } from '../../config/paths.js';
import type { GitRepo } from '../../git/run.js';
import type { Ladder } from '../../loop/index.js';
import type { FinishedTaskStatus } from '../../status/types.js';
import type { DaemonServices } from '../runtime/services.js';
import type { RemoteAttempts } from '../../runners/daemon/remote-attempts.js';

/** What a task's worker needs of its repository's runtime. */
export interface WorkerHost {
  readonly services: DaemonServices;
  readonly paths: StatePaths;
  readonly repo: GitRepo;
  readonly config: RepoConfig;
  readonly ladder: Ladder;
  readonly store: BoardStore;
  readonly audit: AuditLog;
  /** The last board that read as a whole (for the brief, the Direction, the row). */
  currentBoard(): ParsedBoard | null;
  agents(): { implementer: AgentAdapter; reviewer: AgentAdapter };
  /** Runs `fn` when no other merge of this repository is under way (SPEC 5: one merge at a time). */
  mergeSerially<T>(fn: () => Promise<T>): Promise<T>;
  /** The board changed under ccx's hand, or a write must be retried: reconcile soon. */
  requestReconcile(): void;
  recordFinished(task: FinishedTaskStatus): void;
  /** A transition of `id` could not be written now for a transient reason: shown as `waiting: board-busy`, retried soon. */
  deferredWrite(id: string, code: string, reason: string): void;
  /** SPEC 16: the repository's runners when config.yaml has `runners:`, else null (every attempt runs here). */
  remote?(): RemoteAttempts | null;
}
