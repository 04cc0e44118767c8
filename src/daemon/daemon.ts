import { scrubReason } from '../audit/scrub.js';
import { basename, dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import type { CcxEnv } from '../config/env.js';
import { dataRoot } from '../config/paths.js';
import { isCcxError } from '../errors.js';
import { failPoint } from '../fs/crash-point.js';
import { NOTIFY_FILE, Notifier, loadGlobalSinks } from '../notify/index.js';
import { claimDataRoot, type DaemonLock } from './lock/daemon-lock.js';
import { LimitGate } from './limits/limit-gate.js';
import { RepoRuntime, type Dirty } from './runtime/repo-runtime.js';
import { WorkerSlots, type DaemonServices } from './runtime/services.js';
import { DataRootWatch } from './watch/data-root-watch.js';

export interface DaemonOptions {
  env: CcxEnv;
  /** Exit when every task has finished, cannot be dispatched, or waits on a person. */
  once: boolean;
  /** Serve only this STATE_DIR (`--repo`). */
  onlyStateDir?: string;
  /** Stop dispatching after this many merges, and exit once running work has ended (`--max-tasks`). */
  maxTasks?: number;
  /** Every task's starting rung for this run (`--start-tier <alias>`); absent: each row's own. */
  startTier?: string;
  /** How long an agent group gets between TERM and KILL (default 3 s, so a cancel ends within 5 s). */
  agentKillGraceMs?: number;
  log?: Logger;
  /** Called as each repository is opened, before its `daemon.started` record (the CLI follows its audit log from there). */
  onRepositoryOpened?: (stateDir: string) => void;
}

const WATCHED_STATE_FILES: Record<string, Dirty> = { 'BOARD.md': 'board', 'config.yaml': 'config', 'model-ladder.json': 'ladder' };
export const DEFAULT_AGENT_KILL_GRACE_MS = 3_000;
/** How long a failing daemon waits for its watches and files to close before it exits anyway. */
const FAIL_CLOSE_MS = 2_000;

/** The process people leave running: every initialised repository under one data root. */
export class Daemon {
  readonly runtimes = new Map<string, RepoRuntime>();
  readonly services: DaemonServices;
  private stopping = false;
  private merges = 0;
  private stoppedAt: string | undefined;
  private failing = false;
  private rootWatch: DataRootWatch | null = null;
  private lock: DaemonLock | null = null;
  private readonly opening = new Map<string, Promise<void>>();
  private finished!: Promise<string>;
  private resolveFinished!: (reason: string) => void;
  private stopNowRequested = false;
  private resolveStopNow!: () => void;
  private readonly stopNowSignal = new Promise<void>((resolve) => (this.resolveStopNow = resolve));
  readonly root: string;

  constructor(readonly options: DaemonOptions) {
    this.root = dataRoot(options.env);
    const log = options.log ?? pino({ level: options.env.logLevel, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    const startedAt = new Date().toISOString();
    this.services = {
      env: options.env,
      pid: process.pid,
      startedAt,
      log,
      slots: new WorkerSlots(options.env.maxWorkers),
      agentKillGraceMs: options.agentKillGraceMs ?? DEFAULT_AGENT_KILL_GRACE_MS,
      limits: new LimitGate({
        // The daemon's log may go to journald, outside STATE_DIR: it gets the scrubbed reason, as the audit log does.
        paused: (agent, until, message) => log.warn({ agent, until: until.toISOString(), message: scrubReason(message) }, 'agent paused by a usage limit'),
        resumed: (agent) => log.info({ agent }, 'agent resumed after its usage limit'),
      }),
      isStopping: () => this.stopping,
      workerEnded: () => {
        for (const runtime of this.runtimes.values()) runtime.request();
      },
      daemonStatus: () => ({
        pid: process.pid,
        startedAt,
        ...(this.stoppedAt === undefined ? {} : { stoppedAt: this.stoppedAt }),
        paused: [...this.services.limits.paused()].map(([agent, until]) => ({ agent, until: until.toISOString() })),
        repos: [],
      }),
      passed: () => this.checkOnce(),
      startTier: options.startTier ?? null,
      dispatchClosed: () => options.maxTasks !== undefined && this.merges >= options.maxTasks,
      taskMerged: () => {
        this.merges += 1;
      },
      notify: new Notifier({ env: process.env, warn: (fields, message) => log.warn(fields, message) }),
    };
  }

  /** Claims the data root (one daemon per root), opens every repository and starts watching. */
  async start(): Promise<void> {
    await this.loadNotifyFile();
    this.lock = await claimDataRoot(this.root);
    // Watched before anything is read: a save from here on is reported, and the first passes read after it.
    this.rootWatch = new DataRootWatch({
      root: this.root,
      ...(this.options.onlyStateDir === undefined ? {} : { only: this.options.onlyStateDir }),
      rootFile: NOTIFY_FILE,
      stateFiles: Object.keys(WATCHED_STATE_FILES),
      onStateFile: (path) => void this.stateFileChanged(path),
      onRootFile: () => void this.loadNotifyFile(),
      onError: (error) => this.services.log.warn({ error: String(error) }, 'data root watch failed'),
    });
    const stateDirs = await this.rootWatch.start();
    for (const stateDir of stateDirs) await this.openRepository(stateDir);
    failPoint('daemon:start');
    for (const runtime of this.runtimes.values()) runtime.request();
    this.services.log.info({ root: this.root, repos: this.runtimes.size }, 'ccx daemon started');
    // No pass will ever run to find the board idle: with nothing to serve, --once has nothing to wait for.
    if (this.options.once && this.runtimes.size === 0) {
      this.services.log.info({ root: this.root }, 'no initialised repository to serve: nothing to do (--once); run `ccx init` in a repository first');
      void this.stop('idle');
    }
  }

  /** Resolves with why the daemon stopped (a signal, or `--once` found nothing left to do). */
  whenFinished(): Promise<string> {
    return this.finished;
  }

  /** The tasks whose workers run now, in id order (what a stop waits for). */
  runningTasks(): string[] {
    const ids = [...this.runtimes.values()].flatMap((runtime) => [...runtime.workers.keys()]);
    return ids.sort((a, b) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')) || a.localeCompare(b));
  }

  /** A second Ctrl-C: end the grace period now and stop the running turns, as its timeout would (starts the stop if none runs). */
  stopNow(reason = 'SIGINT'): void {
    this.stopNowRequested = true;
    this.resolveStopNow();
    void this.stop(reason);
  }

  /** SIGTERM/SIGINT: stop dispatching, give running turns the grace period, then stop their groups (SPEC 12). */
  async stop(reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    // A repository still opening would be left out (its watch keeping the process alive).
    await Promise.all(this.opening.values());
    const grace = this.options.env.shutdownGraceMs;
    const runtimes = [...this.runtimes.values()];
    for (const runtime of runtimes) runtime.audit.write('daemon.stopping', { signal: reason, grace_ms: grace, running: runtime.workers.size });
    const deadline = Date.now() + grace;
    let forced = 0;
    const told = new Set<string>();
    // A pass already under way may still start a worker: wait for the passes, then for every worker, until none is left.
    for (;;) {
      await Promise.all(runtimes.map((runtime) => runtime.idlePasses()));
      const workers = runtimes.flatMap((runtime) => [...runtime.workers.values()]);
      if (workers.length === 0) break;
      for (const worker of workers) worker.requestShutdown();
      for (const worker of workers.filter((candidate) => !told.has(candidate.id))) {
        told.add(worker.id);
        void worker.finished().then(() => {
          if (worker.stopReason() === 'shutdown') this.services.log.info({ task: worker.id }, `${worker.id} interrupted: it stays running on the board and resumes from its last completed turn at the next start`);
        });
      }
      const all = Promise.all(workers.map((worker) => worker.finished()));
      const grace = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.stopNowRequested ? 0 : Math.max(0, deadline - Date.now())).unref());
      const inTime = await Promise.race([all.then(() => true), grace, this.stopNowSignal.then(() => false)]);
      if (!inTime) {
        forced += workers.length;
        for (const worker of workers) worker.forceStop();
      }
      await all;
    }
    await this.rootWatch?.close();
    // What is still queued for a sink gets a bounded moment (NOTIFY_DEFAULTS.flushMs), never more.
    await this.services.notify.flush();
    this.stoppedAt = new Date().toISOString();
    for (const runtime of runtimes) {
      runtime.audit.write('daemon.stopped', { reason, stopped_turns: forced });
      await runtime.close();
    }
    await this.lock?.release();
    this.services.log.info({ reason }, 'ccx daemon stopped');
    this.resolveFinished(reason);
  }

  /**
   * The daemon stops because of an error (an uncaught exception, an unhandled rejection, a fatal
   * start): running agents are stopped, `daemon.failed` goes to every audit log and every sink
   * (bounded by the notification flush). The caller exits; the next start resumes the tasks.
   */
  async fail(error: unknown): Promise<void> {
    if (this.failing) return;
    this.failing = true;
    this.stopping = true;
    // A second daemon on the same root is no crash of this one.
    if (isCcxError(error) && error.code === 'DAEMON_RUNNING') return;
    const reason = error instanceof Error ? error.message : String(error);
    this.services.log.fatal({ error: error instanceof Error ? (error.stack ?? error.message) : reason }, 'the ccx daemon stops because of an error');
    const runtimes = [...this.runtimes.values()];
    for (const runtime of runtimes) for (const worker of runtime.workers.values()) worker.forceStop();
    await this.services.notify.daemonFailed(reason, runtimes.map((runtime) => runtime.audit), runtimes.map((runtime) => runtime.config.notify));
    // Watches would keep a failed start's process alive: closed, for a bounded time (a pass may be stuck).
    const closed = Promise.all([this.rootWatch?.close(), ...runtimes.map((runtime) => runtime.close())]).catch(() => undefined);
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, FAIL_CLOSE_MS).unref())]);
    await this.lock?.release().catch(() => undefined);
    this.resolveFinished('failed');
  }

  /** The data root's notify.yaml; a bad one is logged and the sinks from the last good one stay. */
  private async loadNotifyFile(): Promise<void> {
    const loaded = await loadGlobalSinks(this.root);
    if (loaded.problems.length > 0) {
      this.services.log.error({ problems: loaded.problems }, `${NOTIFY_FILE} has problems: the last good one stays in force until it is fixed`);
      return;
    }
    this.services.notify.setGlobalSinks(loaded.sinks);
    // Said at info only when it names sinks: most data roots have no notify.yaml.
    this.services.log[loaded.sinks.length > 0 ? 'info' : 'debug']({ sinks: loaded.sinks.map((sink) => sink.name) }, `${NOTIFY_FILE} read`);
  }

  /** One open per STATE_DIR, however many events about its config.yaml arrive while it loads. */
  private openRepository(stateDir: string): Promise<void> {
    let opening = this.opening.get(stateDir);
    if (opening === undefined) {
      opening = this.openOnce(stateDir).finally(() => this.opening.delete(stateDir));
      this.opening.set(stateDir, opening);
    }
    return opening;
  }

  private async openOnce(stateDir: string): Promise<void> {
    if (this.runtimes.has(stateDir)) return;
    const runtime = new RepoRuntime(this.services, stateDir);
    try {
      await runtime.open();
    } catch (error) {
      this.services.log.error({ stateDir, error: error instanceof Error ? error.message : String(error) }, 'cannot serve this STATE_DIR until its config.yaml loads');
      return;
    }
    this.runtimes.set(stateDir, runtime);
    this.options.onRepositoryOpened?.(stateDir);
    runtime.audit.write('daemon.started', { pid: process.pid, version: process.env['npm_package_version'] ?? 'dev', node: process.version, repos: this.runtimes.size });
  }

  private async stateFileChanged(path: string): Promise<void> {
    const stateDir = dirname(path);
    if (this.options.onlyStateDir !== undefined && stateDir !== this.options.onlyStateDir) return;
    const runtime = this.runtimes.get(stateDir);
    if (runtime !== undefined) {
      runtime.request(WATCHED_STATE_FILES[basename(path)]);
      return;
    }
    if (basename(path) === 'config.yaml' && !this.stopping) {
      await this.openRepository(stateDir);
      // This save may have come while an earlier event's open was reading config.yaml: read it again.
      this.runtimes.get(stateDir)?.request('config');
    }
  }

  private checkOnce(): void {
    if (this.stopping) return;
    if (this.services.dispatchClosed()) {
      const runtimes = [...this.runtimes.values()];
      setImmediate(() => {
        if (this.stopping || runtimes.some((runtime) => runtime.workers.size > 0)) return;
        this.services.log.info({ merges: this.merges }, 'merged as many tasks as --max-tasks allows');
        void this.stop('max-tasks');
      });
      return;
    }
    if (!this.options.once) return;
    const runtimes = [...this.runtimes.values()];
    // `passed` runs at the end of a pass: that pass is still counted as running, so look again next tick.
    setImmediate(() => {
      if (this.stopping || !runtimes.every((runtime) => runtime.recovered && runtime.idle && runtime.settled())) return;
      this.stopIdle(runtimes);
    });
  }

  private stopIdle(runtimes: RepoRuntime[]): void {
    const waiting = runtimes.flatMap((runtime) => runtime.queue.map((task) => `${task.id}: ${task.reason}`));
    this.services.log.info({ waiting }, 'nothing left that can run now (--once)');
    void this.stop('idle');
  }
}
