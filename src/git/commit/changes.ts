/** One path a commit changed, told apart exactly: content, mode only, deletion, rename. */
export interface FileChange {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed' | 'mode';
  /** The path before a rename. */
  oldPath?: string;
  /** Set when the mode changed (or the file appeared or went): `100644`, `100755`, `120000`, `160000`. */
  oldMode?: string;
  newMode?: string;
}

const NO_MODE = '000000';

/** Parses `git diff-tree -r -z -M --raw` output. */
export function parseRawDiff(stdout: string): FileChange[] {
  const fields = stdout.split('\0');
  const changes: FileChange[] = [];
  for (let i = 0; i < fields.length; i++) {
    const header = fields[i] as string;
    if (!header.startsWith(':')) continue;
    const [oldMode = '', newMode = '', oldSha = '', newSha = '', status = ''] = header.slice(1).split(' ');
    const letter = status[0];
    const first = fields[++i] ?? '';
    if (letter === 'R' || letter === 'C') {
      const path = fields[++i] ?? '';
      changes.push(withModes({ path, status: letter === 'R' ? 'renamed' : 'added', oldPath: first }, oldMode, newMode));
    } else if (letter === 'A') {
      changes.push({ path: first, status: 'added', newMode });
    } else if (letter === 'D') {
      changes.push({ path: first, status: 'deleted', oldMode });
    } else if (oldSha === newSha && oldMode !== newMode) {
      changes.push({ path: first, status: 'mode', oldMode, newMode });
    } else {
      changes.push(withModes({ path: first, status: 'modified' }, oldMode, newMode));
    }
  }
  return changes;
}

function withModes(change: FileChange, oldMode: string, newMode: string): FileChange {
  if (oldMode === newMode || oldMode === NO_MODE || newMode === NO_MODE) return change;
  return { ...change, oldMode, newMode };
}
