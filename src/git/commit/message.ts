export type TurnRole = 'implementer' | 'reviewer' | 'resolve' | (string & {});

/** `T-<n> a<k> c<i> <role>`: the subject of every turn commit on a task branch. */
export function turnCommitMessage(turn: { id: string; attempt: number; cycle: number; role: TurnRole }): string {
  return `${turn.id} a${turn.attempt} c${turn.cycle} ${turn.role}`;
}
