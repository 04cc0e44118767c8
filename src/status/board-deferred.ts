/** What STATUS.md and `ccx status` say while an editor's `.#BOARD.md` lock holds ccx's board writes back. */
export function describeBoardDeferred(since: string): string {
  const at = new Date(since);
  const clock = Number.isNaN(at.getTime()) ? since : `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  return `board write deferred: Emacs has unsaved changes in BOARD.md (since ${clock}); save or close it there and ccx writes its changes`;
}
