import { git, type GitRepo } from '../run.js';

/** Who ccx commits as when the repository names nobody. */
export const FALLBACK_IDENTITY = { name: 'ccx', email: 'ccx@localhost' } as const;

const IDENTITY_KEYS = '^(user|author|committer)\\.(name|email)$';

/**
 * The GIT_AUTHOR_* / GIT_COMMITTER_* variables to add so that a commit never fails for want of an
 * identity: only the fields neither the environment nor git config (user.*, author.*,
 * committer.*, or EMAIL for an email) sets, so a configured identity always wins. Git's own guess
 * from the host name is not used: it fails or invents an address depending on the machine.
 */
export async function identityEnv(repo: GitRepo, cwd: string, taskWorktree = false): Promise<Record<string, string>> {
  const result = await git(repo, ['config', '-z', '--get-regexp', IDENTITY_KEYS], { cwd, taskWorktree, readOnly: true, allowExitCodes: [1] });
  const config = new Map<string, string>();
  for (const entry of result.stdout.split('\0')) {
    const newline = entry.indexOf('\n');
    if (newline > 0) config.set(entry.slice(0, newline), entry.slice(newline + 1));
  }
  const env: Record<string, string> = {};
  for (const role of ['author', 'committer'] as const) {
    const upper = role.toUpperCase();
    const name = process.env[`GIT_${upper}_NAME`] || config.get(`${role}.name`) || config.get('user.name');
    const email = process.env[`GIT_${upper}_EMAIL`] || config.get(`${role}.email`) || config.get('user.email') || process.env['EMAIL'];
    if (!name) env[`GIT_${upper}_NAME`] = FALLBACK_IDENTITY.name;
    if (!email) env[`GIT_${upper}_EMAIL`] = FALLBACK_IDENTITY.email;
  }
  return env;
}
