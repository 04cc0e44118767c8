/** How much of the prompt the repository's file list may take. */
export const MAX_OVERVIEW_CHARS = 16_000;
/** The deepest folder level the overview summarises at when the full list does not fit. */
const MAX_SUMMARY_DEPTH = 4;

/**
 * The tracked files, bounded: every path when they fit, else folders summarised at the deepest
 * level that fits (`src/cli/commands/ (17 files)`), else the top level cut with a count of the rest.
 */
export function fileOverview(paths: readonly string[], maxChars = MAX_OVERVIEW_CHARS): string {
  if (paths.length === 0) return 'The repository tracks no files yet.';
  const header = `${paths.length} tracked file${paths.length === 1 ? '' : 's'}`;
  const full = paths.join('\n');
  if (full.length <= maxChars) return `${header}:\n${full}`;
  for (let depth = MAX_SUMMARY_DEPTH; depth >= 1; depth--) {
    const lines = summarise(paths, depth);
    const text = lines.join('\n');
    if (text.length <= maxChars) return `${header}; each folder ${depth} level${depth === 1 ? '' : 's'} deep is one line with the number of files in it:\n${text}`;
  }
  const lines = summarise(paths, 1);
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > maxChars) break;
    kept.push(line);
    used += line.length + 1;
  }
  const left = lines.length - kept.length;
  return `${header}, by top-level folder with the number of files in it; ${left} more ${left === 1 ? 'entry is' : 'entries are'} left out:\n${kept.join('\n')}`;
}

/** One line per file above `depth` folders, one per folder `depth` levels down with its files' count. */
function summarise(paths: readonly string[], depth: number): string[] {
  const counts = new Map<string, number>();
  for (const path of paths) {
    const parts = path.split('/');
    const line = parts.length > depth ? `${parts.slice(0, depth).join('/')}/` : path;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts].map(([line, count]) => (line.endsWith('/') ? `${line} (${count} file${count === 1 ? '' : 's'})` : line));
}
