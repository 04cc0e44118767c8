import { ccxMcpArgv, createAsker, DEFAULT_ASK_CONFIG, type Asker, type OpenAsk } from '../../ask/index.js';
import { appendJournal } from '../journal/journal.js';
import type { TaskWorker } from './task-worker.js';

/** The phase a task shows while it waits for a person's answer without a turn running. */
export const WAITING_QUESTION = 'waiting-question';

/**
 * How a daemon task asks (SPEC 15): questions and answers in the run journal and the audit log,
 * `waiting: question` in STATUS.md, and the task's slot given back while no turn runs.
 */
export function daemonAsker(worker: TaskWorker, attempt: number): Asker {
  const { host, journal, status } = worker;
  const config = host.config.ask ?? DEFAULT_ASK_CONFIG;
  const ref = { task: worker.id, attempt };
  let phaseBefore = status.phase;
  let parked = false;
  const timeoutAt = (ask: OpenAsk) => new Date(Date.parse(ask.askedAt) + config.timeoutMs).toISOString();
  return createAsker({
    config,
    stateDir: host.paths.stateDir,
    mcpArgv: ccxMcpArgv(),
    events: {
      async asked(ask, file) {
        await appendJournal(journal, { type: 'asked', ask });
        host.audit.write('ask.asked', {
          ...ref, id: ask.id, question: ask.question, options: ask.options, context: ask.context === '' ? null : ask.context, file,
          guess: ask.guess?.answer ?? null, guess_confidence: ask.guess?.confidence ?? null, timeout_at: timeoutAt(ask),
        });
        status.note = `waiting: question — answer under "## Answer" in ${file}, or run: ccx answer ${worker.id} "…"`;
        host.requestReconcile();
      },
      async answered(ask, answer, by, grounds) {
        const id = 'id' in ask ? ask.id : null;
        await appendJournal(journal, { type: 'answered', id, by });
        host.audit.write('ask.answered', { ...ref, id, by, question: ask.question, answer, grounds });
        status.note = null;
        host.requestReconcile();
      },
      async parked(ask) {
        await appendJournal(journal, { type: 'ask-parked', id: ask.id });
        host.audit.write('ask.parked', { ...ref, id: ask.id, question: ask.question });
        if (!parked) {
          parked = true;
          phaseBefore = status.phase;
          status.phase = WAITING_QUESTION;
          host.services.slots.release();
          host.services.workerEnded();
        }
        host.requestReconcile();
      },
      unparked() {
        if (!parked) return;
        parked = false;
        status.phase = phaseBefore;
        host.services.slots.take();
      },
      async expired(ask) {
        await appendJournal(journal, { type: 'ask-expired', id: ask.id });
        host.audit.write('ask.expired', { ...ref, id: ask.id, question: ask.question, file: `asks/answered/${ask.task}-${ask.id}.md` });
        status.note = null;
      },
    },
  });
}
