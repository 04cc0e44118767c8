import type { Logger } from 'pino';

/** What the CLI needs of the daemon to stop it (src/daemon/daemon.ts). */
export interface Stoppable {
  runningTasks(): string[];
  stop(reason: string): Promise<void>;
  stopNow(reason?: string): void;
}

/** `20 s`, `1.5 s`. */
export function graceText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The line the first Ctrl-C prints: what the stop waits for, and how to skip the wait. */
export function stoppingLine(running: readonly string[], graceMs: number, signal: NodeJS.Signals): string {
  const again = signal === 'SIGINT' ? ' (Ctrl-C again to stop now)' : '';
  if (running.length === 0) return `stopping: no task running`;
  return `stopping: waiting up to ${graceText(graceMs)} for ${running.join(', ')}${again}`;
}

/**
 * SIGTERM and the first SIGINT stop dispatching and give running turns the grace period (SPEC 12);
 * a second SIGINT ends the wait at once. Either way the tasks stay running and resume at the next
 * start. Returns the function that removes the handlers.
 */
export function handleStopSignals(daemon: Stoppable, log: Logger, graceMs: number): () => void {
  let stopping = false;
  let now = false;
  // Plain messages: the readable lines show them as they are, and JSON readers get the same text.
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) {
      stopping = true;
      log.info(stoppingLine(daemon.runningTasks(), graceMs, signal));
      void daemon.stop(signal);
      return;
    }
    if (signal !== 'SIGINT' || now) return;
    now = true;
    const running = daemon.runningTasks();
    log.info(running.length === 0 ? 'stopping now' : `stopping now: stopping ${running.join(', ')}; they resume from their last completed turn at the next start`);
    daemon.stopNow(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
