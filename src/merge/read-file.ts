import { git, type GitRepo } from '../git/run.js';

/** The content of `path` in a commit or tree, as UTF-8 text, or null when it has no such file. */
export async function readFileAtRev(repo: GitRepo, rev: string, path: string): Promise<string | null> {
  const object = `${rev}:${path}`;
  const options = { cwd: repo.root, readOnly: true };
  const type = await git(repo, ['cat-file', '-t', object], { ...options, allowExitCodes: [128] });
  if (type.exitCode !== 0 || type.stdout.trim() !== 'blob') return null;
  return (await git(repo, ['cat-file', 'blob', object], options)).stdout;
}
