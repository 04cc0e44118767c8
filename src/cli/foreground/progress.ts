import { describeCounts, type LoopEvent } from '../../loop/index.js';
import { printable } from '../../text/printable.js';
import { clock, seconds } from '../../text/clock.js';

/** Progress lines from an agent, shown indented and cut to this width. */
const MAX_PROGRESS_CHARS = 160;

/** Turns the engine's events into the live lines `ccx loop` prints on stderr: phase, cycle i/N, verdict counts. */
export function progressPrinter(print: (line: string) => void, testCommand: string | null, now: () => Date = () => new Date()): (event: LoopEvent) => void {
  // Lines quote agents (progress, findings, messages): never let them drive the terminal.
  const write = (line: string) => print(printable(line));
  let of = 0;
  const at = (cycle: number) => `[cycle ${cycle}/${of}]`;
  return (event) => {
    switch (event.type) {
      case 'attempt.started':
        of = event.maxCycles;
        return;
      case 'phase':
        if (event.phase === 'test' && testCommand !== null) write(`${at(event.cycle)} test: ${testCommand} …`);
        return;
      case 'turn.started':
        write(`${at(event.cycle)} ${event.phase}: ${agentShown(event)}${event.try > 1 ? `, try ${event.try}` : ''} …`);
        return;
      case 'turn.progress':
        write(`    ${event.line.length > MAX_PROGRESS_CHARS ? `${event.line.slice(0, MAX_PROGRESS_CHARS)}…` : event.line}`);
        return;
      case 'turn.finished': {
        const cost = event.costUsd === null ? '' : `, $${event.costUsd.toFixed(4)}`;
        if (event.outcome === 'ok') write(`${at(event.cycle)} ${event.phase} done in ${seconds(event.durationMs)}${cost}`);
        else if (!['usage-limit', 'rate-limited', 'overloaded'].includes(event.outcome)) write(`${at(event.cycle)} ${event.phase} ended with ${event.outcome}: ${event.message}`);
        return;
      }
      case 'turn.committed':
        write(`${at(event.cycle)} ${event.sha === null ? 'changed nothing' : `committed ${event.files} file${event.files === 1 ? '' : 's'} (${event.sha.slice(0, 7)})`}`);
        return;
      case 'scope.violation':
        write(`${at(event.cycle)} out of scope: ${event.paths.join(', ')}`);
        return;
      case 'test.finished':
        write(`${at(event.cycle)} tests ${event.passed ? 'passed' : 'FAILED'}${event.reused ? ' (nothing changed since the last run)' : ` in ${seconds(event.durationMs)}`}${event.passed ? '' : ` (log: ${event.log})`}`);
        return;
      case 'review.verdict':
        write(`${at(event.cycle)} verdict: ${event.verdict}, ${describeCounts(event.counts)} (${event.skipped} skipped, ${event.open} open)`);
        return;
      case 'fix.empty':
        write(`${at(event.cycle)} the fix turn changed nothing: ${event.unresolved} finding${event.unresolved === 1 ? '' : 's'} left unresolved`);
        return;
      case 'task.stuck':
        write(`${at(event.cycle)} stuck: "${event.finding}" came back in ${event.reviews} reviews in a row`);
        return;
      case 'limit.paused': {
        const until = new Date(event.until);
        write(`${at(event.cycle)} ${event.agent} is limited (${event.kind}): waiting until ${clock(until)} (in ${seconds(Math.max(0, until.getTime() - now().getTime()))}), then the same turn runs again. Ctrl-C stops.`);
        return;
      }
      case 'limit.resumed':
        write(`${at(event.cycle)} ${event.agent}: the limit has lifted; running the same turn again`);
        return;
      default:
        return;
    }
  };
}

/** A turn's agent as it is: a command agent by its program (the ladder's pair reaches it only as CCX_MODEL), claude and codex with their model/effort. */
export function agentShown(turn: { agent: string; model: string; effort: string; program?: string }): string {
  return turn.program === undefined ? `${turn.agent} (${turn.model}/${turn.effort})` : `${turn.agent} (${turn.program})`;
}
