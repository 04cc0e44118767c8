import { pino } from 'pino';
import { auditPrinter, followAuditLog } from '../audit/index.js';
import { parseBoard } from '../board/parse/parser.js';
import type { CcxEnv } from '../config/env.js';
import { Daemon } from '../daemon/daemon.js';
import { journalPath, readJournal } from '../daemon/journal/journal.js';
import { foldJournal } from '../daemon/journal/state.js';
import { readStable } from '../fs/stable-read.js';
import { prepareDemo, type DemoSetup } from './prepare.js';

export interface DemoOutput {
  print(text: string): void;
  color: boolean;
  /** Runs once the demo repository and STATE_DIR exist, before the daemon starts (`ccx demo --ui` starts the dashboard here). */
  beforeStart?: (setup: DemoSetup) => Promise<void>;
}

export interface DemoSummary {
  setup: DemoSetup;
  tasks: Array<{ id: string; title: string; status: string; exitStatus: string | null; cycles: number | null; commit: string | null }>;
  allMerged: boolean;
}

const EXPECTED_TASKS = 5;
const QUEUE_LOOK_MS = 250;

/** `ccx demo`: the main job, end to end, on the built-in example, with live progress. */
export async function runDemo(baseEnv: CcxEnv, out: DemoOutput): Promise<DemoSummary> {
  const setup = await prepareDemo(baseEnv);
  out.print(`Demo repository: ${setup.repo}\nSTATE_DIR:       ${setup.paths.stateDir}\n\n`);
  await out.beforeStart?.(setup);
  out.print('Running the daemon until the board is idle…\n\n');
  const daemon = new Daemon({ env: setup.env, once: true, onlyStateDir: setup.paths.stateDir, log: pino({ level: 'warn' }, pino.destination({ fd: 2, sync: true })) });
  const following = new AbortController();
  const printer = auditPrinter({ color: out.color });
  const follow = followAuditLog(setup.paths.audit, { signal: following.signal, onRecord: (record) => out.print(printer(record)), pollMs: 100 });
  const waits = watchQueue(daemon, out, following.signal);
  try {
    await daemon.start();
    await daemon.whenFinished();
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 150));
    following.abort();
    await Promise.all([follow, waits]);
  }
  return summarise(setup);
}

/** Prints why each queued task waits, whenever that changes (the scheduling the demo shows off). */
async function watchQueue(daemon: Daemon, out: DemoOutput, signal: AbortSignal): Promise<void> {
  const said = new Map<string, string>();
  while (!signal.aborted) {
    for (const runtime of daemon.runtimes.values()) {
      for (const task of runtime.queue) {
        if (said.get(task.id) === task.reason) continue;
        said.set(task.id, task.reason);
        out.print(`${' '.repeat(10)}${task.id.padEnd(12)}  ${task.reason}\n`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, QUEUE_LOOK_MS));
  }
}

async function summarise(setup: DemoSetup): Promise<DemoSummary> {
  const read = await readStable(setup.paths.board);
  const rows = read.kind === 'ok' ? parseBoard(read.bytes).rows : [];
  const tasks = [];
  for (const row of rows) {
    const facts = foldJournal(await readJournal(journalPath(setup.paths.runs, row.id)));
    tasks.push({ id: row.id, title: row.title, status: row.status, exitStatus: row.exitStatus, cycles: facts.lastAttempt?.cycles ?? null, commit: row.commit });
  }
  return { setup, tasks, allMerged: tasks.length === EXPECTED_TASKS && tasks.every((task) => task.status === 'merged') };
}
