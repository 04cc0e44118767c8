import type { Priority, Scope } from '../board/types.js';

/** One task of a plan, as the agent answered it and ccx checked it (SPEC 9's answer schema). */
export interface PlannedTask {
  /** The agent's own name for the task; ccx maps it onto the real id. */
  key: string;
  title: string;
  scope: Scope;
  /** Keys of other planned tasks, or ids of rows already on the board. */
  dependsOn: string[];
  priority: Priority;
  modelStart: string;
  goal: string;
  acceptance: string[];
  context: string;
  outOfScope: string;
  testPlan: string;
}

/** A glob that matches no tracked file yet but names a new path inside a folder that has some. */
export interface NewPathGlob {
  glob: string;
  field: 'include' | 'exclude';
}

/** A glob ccx took out of a task's scope: git rejects it, or it matches nothing and names no new path in an existing folder. */
export interface DroppedGlob {
  glob: string;
  field: 'include' | 'exclude';
  /** Why, in a clause: "matches no tracked file and …". */
  reason: string;
}

/** A planned task once its globs are grounded on the repository's tracked files (its scope holds only the kept ones). */
export interface GroundedTask extends PlannedTask {
  newPaths: NewPathGlob[];
  dropped: DroppedGlob[];
}

/** What the agent is asked to plan: a prompt on the command line, or a document in the repository. */
export type PlanWork = { kind: 'prompt'; text: string } | { kind: 'document'; path: string; text: string };

/** A row ccx plan added to the board. */
export interface DraftedTask extends GroundedTask {
  id: string;
  /** depends_on as written on the row: real ids. */
  dependsOnIds: string[];
  notes: string | null;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };
