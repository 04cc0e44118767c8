import { reapProcessGroup } from '../../agents/index.js';
import type { AuditLog } from '../../audit/index.js';
import { appendJournal } from './journal.js';
import type { TaskFacts } from './state.js';

/** Stops the agent process groups a previous daemon left running for this task (only those that are really ours). */
export async function reapLeftovers(journal: string, id: string, facts: TaskFacts, audit: AuditLog): Promise<void> {
  for (const group of facts.liveGroups) {
    const reaped = await reapProcessGroup(group.pgid, group.token);
    if (reaped.kind === 'reaped') audit.write('recovery.reaped', { task: id, attempt: facts.attempt, pgid: group.pgid, processes: reaped.pids.length });
    await appendJournal(journal, { type: 'group-ended', pgid: group.pgid });
  }
}
