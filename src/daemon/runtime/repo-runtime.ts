import { createAgent, type AgentAdapter, type AgentConfig as AdapterConfig } from '../../agents/index.js';
import { openAuditLog, type AuditLog } from '../../audit/index.js';
import type { ParsedBoard } from '../../board/parse/board.js';
import { BoardStore } from '../../board/store/board-store.js';
import { editorLockExists } from '../../board/store/read.js';
import { loadConfig, type AgentConfig, type RepoConfig } from '../../config/config-file.js';
import { inboxPaths, statePaths, type StatePaths } from '../../config/paths.js';
import { openRepo } from '../../git/repo.js';
import type { GitRepo } from '../../git/run.js';
import { BUILT_IN_LADDER, readLadder, type Ladder, type LadderProblem } from '../../loop/index.js';
import type { FinishedTaskStatus, RepoStatus, WaitingTaskStatus } from '../../status/types.js';
import { JournalFactsCache } from '../journal/facts-cache.js';
import type { TaskFacts } from '../journal/state.js';
import { reconcilePass } from '../reconcile/reconcile.js';
import { BoardLinkWatch } from '../watch/board-link-watch.js';
import { coalesce, watchFolder, type FolderWatch } from '../watch/folder-watcher.js';
import type { WorkerHost } from '../worker/host.js';
import type { TaskWorker } from '../worker/task-worker.js';
import type { DaemonServices } from './services.js';
import { StatusWriter } from './status-writer.js';
import { questionWait } from '../../status/waits.js';
import { RemoteAttempts } from '../../runners/daemon/remote-attempts.js';

/** Events within this long of each other are one change (an editor's save is several). */
export const RECONCILE_COALESCE_MS = 20;
const FINISHED_SHOWN = 10;
/** How soon a transition the board could not take (an Emacs lock, a busy board) is tried again. */
export const UNWRITTEN_RETRY_MS = 500;
/** How long `--once` waits for such a transition to land before it stops anyway (and STATUS.md says why). */
export const UNWRITTEN_ONCE_LIMIT_MS = 30_000;

export type Dirty = 'board' | 'config' | 'ladder' | 'inbox';

/** One repository the daemon serves: its board, its config, its workers, its STATUS.md. */
export class RepoRuntime implements WorkerHost {
  readonly paths: StatePaths;
  readonly store: BoardStore;
  readonly workers = new Map<string, TaskWorker>();
  readonly finished: FinishedTaskStatus[] = [];
  repo!: GitRepo;
  config!: RepoConfig;
  ladder: Ladder = BUILT_IN_LADDER;
  audit!: AuditLog;
  configProblem: string | null = null;
  ladderProblem: string | null = null;
  /** What is wrong with model-ladder.json, each with its line:column: the board is then not valid (nothing new starts). */
  ladderProblems: LadderProblem[] = [];
  /** Scopes that mean something else than in ccx-loop, for STATUS.md (worked out once per board content). */
  notices: NonNullable<RepoStatus['notices']> = [];
  /** The last board that read as a whole, and what the latest read showed. */
  board: ParsedBoard | null = null;
  latest: { valid: boolean; problems: ParsedBoard['problems']; note: string | null } = { valid: true, problems: [], note: null };
  queue: RepoStatus['queue'] = [];
  orphans: RepoStatus['orphans'] = { worktrees: [], branches: [] };
  /** Whether the last pass found nothing that could start and nothing but person-held waits (for `--once`). */
  idle = false;
  recovered = false;
  /** Temp files of dead ccx processes were cleaned (first pass). */
  cleaned = false;
  /** Every journal, folded, as the last pass left them (waits are read from here). */
  facts = new Map<string, TaskFacts>();
  /** Rows that show running with no ccx run of them (another tool's). */
  foreign: Array<{ id: string; title: string; scope: ParsedBoard['rows'][number]['scope']; reason: string }> = [];
  /** Transitions journalled but not on the board yet, for a transient reason. */
  readonly unwritten = new Map<string, { code: string; reason: string; since: number }>();
  /** One-off things ccx did that a person should know (a reused id's old journal archived), by task. */
  readonly runNotices = new Map<string, string>();
  private unwrittenTimer: NodeJS.Timeout | undefined;
  /** When an editor's lock first held a board write back (null: none does). */
  private editorHold: number | null = null;
  readonly dirty = new Set<Dirty>(['board', 'config', 'ladder', 'inbox']);
  private adapters: { implementer: AgentAdapter; reviewer: AgentAdapter } | null = null;
  /** SPEC 16: made from config.yaml's `runners:` at open (a change to it takes a daemon restart). */
  private remoteAttempts: RemoteAttempts | null = null;
  private merges: Promise<unknown> = Promise.resolve();
  private passes: Promise<void> = Promise.resolve();
  private pending = false;
  private reconciling = false;
  /** A pass was asked for and has not started yet (`--once` must not stop then). */
  private requested = false;
  private inboxWatch: FolderWatch | null = null;
  private stopNotifying: () => void = () => undefined;
  /** A BOARD.md that is a symbolic link: its target's folder, watched too (the data root's watch sees only the link). */
  private readonly boardLink: BoardLinkWatch;
  private readonly trigger = coalesce(RECONCILE_COALESCE_MS, () => this.schedulePass());
  private readonly journals: JournalFactsCache;
  readonly statusWriter: StatusWriter;

  constructor(readonly services: DaemonServices, stateDir: string) {
    this.paths = statePaths(stateDir);
    this.store = new BoardStore({ board: this.paths.board, lock: this.paths.boardLock });
    this.journals = new JournalFactsCache(this.paths.runs);
    this.boardLink = new BoardLinkWatch(this.paths.board, () => this.request('board'), (error) => this.services.log.warn({ stateDir, error: String(error) }, 'watch of the board link\'s target failed'));
    this.statusWriter = new StatusWriter(this.paths, () => ({ daemon: this.services.daemonStatus(), repo: this.status() }), (error) => this.services.log.warn({ stateDir, error: String(error) }, 'could not write STATUS.md'));
  }

  /** Loads config.yaml (it must load the first time: it names the repository) and opens what the repository needs. */
  async open(): Promise<void> {
    // Cleared before the read: a config.yaml saved while it loads marks it dirty again and is read by the next pass
    // (cleared after, that save was forgotten and the daemon kept the older settings).
    this.dirty.delete('config');
    this.config = await loadConfig(this.paths.config);
    this.repo = await openRepo(this.config.repo);
    this.audit = openAuditLog(this.paths.audit, { repo: this.config.repo });
    this.stopNotifying = this.services.notify.attach(this.audit, () => this.config.notify);
    if (this.config.runners !== undefined) {
      this.remoteAttempts = new RemoteAttempts(this.config.runners, this.paths.stateDir, this.audit);
      this.remoteAttempts.start();
    }
    this.inboxWatch = watchFolder(inboxPaths(this.repo.root).inbox, {
      depth: 0,
      accept: (path) => path.toLowerCase().endsWith('.md'),
      onChange: () => this.request('inbox'),
      onError: (error) => this.services.log.warn({ repo: this.config.repo, error: String(error) }, 'inbox watch failed'),
    });
    // The first pass reads the inbox after this: a submission dropped from here on is reported.
    await this.inboxWatch.ready;
  }

  /** Something changed: reconcile soon (level-triggered, so a burst of events is one pass). */
  request(what?: Dirty): void {
    if (what !== undefined) this.dirty.add(what);
    this.requested = true;
    this.trigger.trigger();
  }

  /** No pass is asked for, queued or running: what the last pass saw still holds. */
  settled(): boolean {
    return !this.requested && !this.pending && !this.reconciling;
  }

  requestReconcile(): void {
    this.request();
  }

  /** Runs a reconcile pass now (after any pass under way) and resolves when it is done. */
  reconcileNow(): Promise<void> {
    this.schedulePass();
    return this.passes;
  }

  private schedulePass(): void {
    if (this.pending) return;
    this.pending = true;
    this.passes = this.passes
      .then(async () => {
        this.pending = false;
        this.requested = false;
        this.reconciling = true;
        try {
          await this.boardLink.follow();
          await reconcilePass(this);
        } finally {
          this.reconciling = false;
        }
      })
      .catch((error: unknown) => this.services.log.error({ repo: this.config.repo, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 'reconcile failed'));
  }

  /** Resolves once no pass is queued or running (the stopping daemon waits for it). */
  async idlePasses(): Promise<void> {
    this.trigger.cancel();
    while (this.pending || this.reconciling) await this.passes;
  }

  remote(): RemoteAttempts | null {
    return this.remoteAttempts;
  }

  currentBoard(): ParsedBoard | null {
    return this.board;
  }

  agents(): { implementer: AgentAdapter; reviewer: AgentAdapter } {
    this.adapters ??= { implementer: createAgent(this.adapterConfig(this.config.agents.implementer)), reviewer: createAgent(this.adapterConfig(this.config.agents.reviewer)) };
    return this.adapters;
  }

  /** A new config.yaml (or ladder) takes effect for turns that start after it. */
  async reloadConfig(): Promise<void> {
    try {
      const config = await loadConfig(this.paths.config);
      if (config.repo !== this.config.repo) throw new Error(`repo changed from ${this.config.repo} to ${config.repo}; a STATE_DIR serves one repository (run \`ccx init\` in the other one)`);
      this.config = config;
      this.adapters = null;
      if (this.configProblem !== null) this.audit.write('config.valid', {});
      this.configProblem = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.configProblem) this.audit.write('config.invalid', { problems: 1, messages: [message] });
      this.configProblem = message;
    }
  }

  async reloadLadder(): Promise<void> {
    try {
      const reading = await readLadder(this.paths.ladder);
      // A bad ladder is a problem of the board (STATUS.md, ccx status): the last good one stays for running tasks.
      if ('ladder' in reading) this.ladder = reading.ladder;
      this.ladderProblems = 'ladder' in reading ? [] : reading.problems;
      this.ladderProblem = null;
    } catch (error) {
      this.ladderProblem = error instanceof Error ? error.message : String(error);
    }
  }

  mergeSerially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.merges.then(fn, fn);
    this.merges = run.catch(() => undefined);
    return run;
  }

  deferredWrite(id: string, code: string, reason: string): void {
    const known = this.unwritten.get(id);
    this.unwritten.set(id, { code, reason, since: known?.since ?? Date.now() });
    if (known === undefined) this.audit.write('merge.waiting', { task: id, branch: this.config.integration, reason: `board-busy: ${reason}` });
    if (code === 'BOARD_BUSY') void editorLockExists(this.paths.board).then((held) => (this.editorHold = held && this.unwritten.size > 0 ? (this.editorHold ?? Date.now()) : this.editorHold));
    this.unwrittenTimer ??= setTimeout(() => {
      this.unwrittenTimer = undefined;
      this.request('board');
    }, UNWRITTEN_RETRY_MS);
  }

  clearUnwritten(id: string): void {
    const known = this.unwritten.get(id);
    if (known === undefined) return;
    this.unwritten.delete(id);
    this.audit.write('merge.resumed', { task: id, branch: this.config.integration, reason: 'board-busy', waited_ms: Date.now() - known.since });
    if (this.unwritten.size === 0) {
      this.editorHold = null;
      clearTimeout(this.unwrittenTimer);
      this.unwrittenTimer = undefined;
    }
  }

  /** `--once` must not stop while a transition waits only for a transient board problem, for a bounded time. */
  holdsOnce(): boolean {
    const now = Date.now();
    return [...this.unwritten.values()].some((entry) => now - entry.since < UNWRITTEN_ONCE_LIMIT_MS);
  }

  /** Every wait, from the journals (merges) and the transitions the board has not taken yet. */
  waits(): WaitingTaskStatus[] {
    const waits: WaitingTaskStatus[] = [];
    for (const [id, known] of this.facts) {
      if (known.phase !== 'active' || known.wait === null) continue;
      waits.push({ id, title: known.row?.title ?? id, reason: known.wait.reason, note: known.wait.note, since: known.wait.since });
    }
    for (const [id, known] of this.facts) {
      const question = questionWait(id, known);
      if (question !== null) waits.push({ id, title: known.row?.title ?? id, ...question });
    }
    for (const [id, entry] of this.unwritten) {
      const known = this.facts.get(id);
      const over = Date.now() - entry.since >= UNWRITTEN_ONCE_LIMIT_MS ? '; still not written, the next pass or daemon start writes it' : '';
      waits.push({ id, title: known?.row?.title ?? id, reason: 'board-busy', note: `the transition to ${String(known?.board.status ?? '?')} is journalled; BOARD.md cannot take it now (${entry.reason})${over}`, since: new Date(entry.since).toISOString() });
    }
    return waits;
  }

  recordFinished(task: FinishedTaskStatus): void {
    this.finished.unshift(task);
    this.finished.length = Math.min(this.finished.length, FINISHED_SHOWN);
  }

  /** Every task this repository has a journal for, folded (each journal read again only once it grew). */
  journalledFacts(): Promise<Map<string, TaskFacts>> {
    return this.journals.all();
  }

  status(): RepoStatus {
    return {
      repo: this.config.repo,
      stateDir: this.paths.stateDir,
      integration: this.config.integration,
      board: { valid: this.latest.valid, problems: this.latest.problems },
      boardWriteDeferred: this.editorHold === null ? null : { since: new Date(this.editorHold).toISOString() },
      configProblem: [this.configProblem, this.ladderProblem === null ? null : `model-ladder.json: ${this.ladderProblem}`, this.latest.note].filter((note) => note !== null).join('; ') || null,
      running: [...this.workers.values()].map((worker) => ({ ...worker.status })),
      queue: this.queue,
      waiting: this.waits(),
      foreign: this.foreign.map(({ id, title, reason }) => ({ id, title, reason })),
      runNotices: [...this.runNotices.values()],
      finished: this.finished,
      orphans: this.orphans,
      notices: this.notices,
      ...(this.remoteAttempts === null ? {} : { runners: this.remoteAttempts.runners() }),
    };
  }

  /** Stops watching; workers are stopped by the daemon first. */
  async close(): Promise<void> {
    this.trigger.cancel();
    clearTimeout(this.unwrittenTimer);
    await this.inboxWatch?.close();
    await this.boardLink.close();
    await this.passes;
    await this.statusWriter.flush();
    this.stopNotifying();
    await this.remoteAttempts?.close();
    this.audit.close();
  }

  private adapterConfig(agent: AgentConfig): AdapterConfig {
    const common = { killGraceMs: this.services.agentKillGraceMs };
    switch (agent.type) {
      case 'claude':
        return { ...common, type: 'claude', bin: this.services.env.claudeBin, ...(agent.permissionMode === undefined ? {} : { permissionMode: agent.permissionMode }), ...(agent.allowedTools === undefined ? {} : { allowedTools: agent.allowedTools }), ...(agent.maxTurns === undefined ? {} : { maxTurns: agent.maxTurns }) };
      case 'codex':
        return { ...common, type: 'codex', bin: this.services.env.codexBin };
      case 'command':
        return { ...common, type: 'command', argv: agent.argv };
    }
  }
}
