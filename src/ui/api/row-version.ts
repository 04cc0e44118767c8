import { createHash } from 'node:crypto';
import type { ParsedBoard } from '../../board/parse/board.js';

/**
 * A row's version: a digest of its text on the board. The page sends back the version it showed
 * (`expect`), and a row action answers 409 when the row's text changed since (an editor's save,
 * the daemon's transition).
 */
export function rowVersion(board: ParsedBoard, id: string): string | null {
  const layout = board.rowLayouts.get(id);
  if (layout === undefined) return null;
  return createHash('sha256').update(board.body.slice(layout.start, layout.end)).digest('hex').slice(0, 16);
}
