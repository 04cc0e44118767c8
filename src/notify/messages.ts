import { basename } from 'node:path';
import type { Notification, NotifyEvent } from './types.js';

/** An audit record as the writer's listeners see it (audit/writer.ts `listen`). */
export type AuditRecordSeen = Readonly<Record<string, unknown>> & { event: string; time: string };

/**
 * The notification an audit record stands for, or null when it is none a person needs
 * (SPEC 15): a task's end (blocked, failed, merged, cancelled), a question and its answer, a
 * usage limit, the daemon stopped by an error.
 */
export function notificationFor(record: AuditRecordSeen): Notification | null {
  const task = text(record['task']);
  const taskName = task ?? 'a task';
  const repo = text(record['repo']) ?? '';
  const make = (event: NotifyEvent, sentence: string, details: Notification['details'] = {}): Notification => ({
    event,
    repo,
    ...(task === undefined ? {} : { task }),
    time: record.time,
    title: repo === '' ? 'ccx' : `ccx · ${basename(repo)}`,
    text: sentence,
    details,
  });
  switch (record.event) {
    case 'task.finished': {
      const status = text(record['status']);
      const error = text(record['error']);
      if (status === 'merged') {
        const commit = text(record['commit']);
        return make('merged', `${taskName} merged${commit === undefined ? '' : ` as ${commit.slice(0, 12)}`}.`, commit === undefined ? {} : { commit });
      }
      if (status === 'blocked' || status === 'failed') {
        return make(status, `${taskName} ${status}${error === undefined ? '' : `: ${error}`} — see BOARD.md.`, error === undefined ? {} : { reason: error });
      }
      if (status === 'cancelled') return make('cancelled', `${taskName} was cancelled.`);
      return null;
    }
    case 'ask.asked': {
      const question = text(record['question']) ?? '(no question text)';
      const options = list(record['options']);
      const where = text(record['file']) ?? (task === undefined ? 'its asks/ file' : `asks/${task}.md`);
      const choices = options.length === 0 ? '' : ` Options: ${options.join(' / ')}`;
      const answer = task === undefined ? `answer in ${where}` : `answer in ${where} or with \`ccx answer ${task} "…"\``;
      return make('question', `${taskName} asks: ${question}${choices} — ${answer}.`, { question, options, where });
    }
    case 'ask.answered': {
      const by = text(record['by']) ?? 'someone';
      return make('answered', `${taskName}'s question was answered (by ${by}); the task goes on.`, { by });
    }
    case 'limit.paused': {
      const agent = text(record['agent']) ?? 'an agent';
      const until = text(record['until']) ?? '?';
      return make('limit.paused', `${agent} hit a usage limit: its turns wait until ${until}${task === undefined ? '' : ` (${task} among them)`}.`, { agent, until });
    }
    case 'limit.resumed': {
      const agent = text(record['agent']) ?? 'an agent';
      return make('limit.resumed', `${agent}'s usage limit is over: its turns go on.`, { agent });
    }
    case 'daemon.failed': {
      const reason = text(record['reason']) ?? 'an unexpected error';
      return make('daemon.failed', `the ccx daemon stopped because of an error: ${reason} — see its log, and start it again (ccx daemon, or the service restarts it).`, { reason });
    }
    default:
      return null;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
