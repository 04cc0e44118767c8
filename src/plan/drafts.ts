import { renderBrief } from '../brief/render.js';
import type { TaskDraft } from '../intake/add-tasks.js';
import type { DroppedGlob, GroundedTask, NewPathGlob } from './types.js';

/** The note a row gets for each glob that matches no file yet. */
export function newPathNote(path: NewPathGlob): string {
  return `${path.glob}${path.field === 'exclude' ? ' (exclude)' : ''} matches no file yet: the task creates it`;
}

/** The note a row gets for each glob ccx took out of its scope. */
export function droppedNote(path: DroppedGlob): string {
  return `${path.glob}${path.field === 'exclude' ? ' (exclude)' : ''} was dropped from the scope: it ${path.reason}`;
}

export function notesOf(task: GroundedTask): string | undefined {
  const emptied = task.dropped.some((path) => path.field === 'include') && task.scope.include.length === 0;
  const notes = [
    ...task.newPaths.map(newPathNote),
    ...task.dropped.map(droppedNote),
    ...(emptied ? ['every include glob was dropped, so the scope is now the whole repository: narrow it before you flip the row to pending'] : []),
  ];
  return notes.length === 0 ? undefined : notes.join('\n');
}

/**
 * The drafts addTasks writes, in the given order (every dependency first). A key in depends_on
 * becomes `{draft: i}`, which addTasks maps onto the real id. Ids are reserved one draft after
 * another, so when a brief is made its dependencies' ids are already known: the brief records
 * the id each draft was last offered, which for an earlier draft is the one it got.
 */
export function planDrafts(tasks: readonly GroundedTask[]): TaskDraft[] {
  const index = new Map(tasks.map((task, position) => [task.key, position]));
  const offered: string[] = [];
  return tasks.map((task, position) => {
    const dependsOn = task.dependsOn.map((name) => {
      const draft = index.get(name);
      return draft === undefined ? name : { draft };
    });
    const notes = notesOf(task);
    return {
      title: task.title,
      status: 'draft',
      scope: task.scope,
      priority: task.priority,
      dependsOn,
      modelStart: task.modelStart,
      notes,
      brief: (id: string) => {
        offered[position] = id;
        const ids = dependsOn.map((dependency) => (typeof dependency === 'string' ? dependency : (offered[dependency.draft] ?? '?')));
        return renderBrief({ id, title: task.title, scope: task.scope, dependsOn: ids, sections: sectionsOf(task, notes) });
      },
    };
  });
}

function sectionsOf(task: GroundedTask, notes: string | undefined) {
  const context = [task.context, notes === undefined ? '' : `${task.dropped.length === 0 ? 'New files' : 'Scope notes'}:\n${notes.split('\n').map((line) => `- ${line}`).join('\n')}`].filter((part) => part !== '').join('\n\n');
  return {
    Goal: task.goal,
    Acceptance: task.acceptance.length === 0 ? undefined : task.acceptance.map((item) => `- [ ] ${item}`).join('\n'),
    Context: orDefault(context),
    'Out of scope': orDefault(task.outOfScope),
    'Test plan': orDefault(task.testPlan),
  };
}

/** An empty answer field leaves ccx's default text for that section. */
function orDefault(text: string): string | undefined {
  return text.trim() === '' ? undefined : text;
}
