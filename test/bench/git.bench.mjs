// The whole per-task git cost through ccx's git engine (create worktree, two turn commits, merge
// check, squash commit, compare-and-swap, clean-up) against the bare git commands doing the same
// work, on a generated 5,000-file repository. Figures: medians over several repetitions.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createTaskWorktree, commitTurn, openRepo, removeTaskWorkspace, turnCommitMessage } from '../../dist/git/index.js';
import { squashMerge } from '../../dist/merge/index.js';
import { median, round } from './stats.mjs';

const FILES = 5_000;
const FOLDERS = 50;
const REPETITIONS = 5;
const TARGET = 1.5;
const ENV = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_CONFIG_NOSYSTEM: '1' };
const execFileAsync = promisify(execFile);
/** Bare git, spawned the way a script would (node's child_process, as ccx's own runner does, so spawning costs the same). */
async function git(cwd, args, input) {
  const child = execFileAsync('git', args, { cwd, env: ENV, maxBuffer: 64 * 1024 * 1024 });
  child.child.stdin.end(input ?? '');
  return (await child).stdout.trim();
}

export async function run() {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'ccx-bench-git-')));
  try {
    const repoDir = join(root, 'repo');
    await generateRepository(repoDir);
    const repo = await openRepo(repoDir);
    const ours = [];
    const bare = [];
    // One warm-up round of each, then alternate so that neither side always runs on a warmer cache.
    for (let round = 0; round <= REPETITIONS; round++) {
      const order = round % 2 === 0 ? ['ccx', 'bare'] : ['bare', 'ccx'];
      for (const side of order) {
        const id = `T-${round * 2 + (side === 'ccx' ? 1 : 2)}`;
        const path = join(root, 'state', 'worktrees', id);
        const ms = side === 'ccx' ? await throughCcx(repo, id, path, round) : await throughBareGit(repoDir, id, path, round);
        if (round > 0) (side === 'ccx' ? ours : bare).push(ms);
      }
    }
    const ccxMs = median(ours);
    const bareMs = median(bare);
    return { files: FILES, repetitions: REPETITIONS, ccx_ms: round(ccxMs), bare_git_ms: round(bareMs), ratio: Number((ccxMs / bareMs).toFixed(2)), target: TARGET, ccx_runs_ms: ours.map(round), bare_runs_ms: bare.map(round) };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function generateRepository(dir) {
  await mkdir(dir, { recursive: true });
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
  for (let folder = 0; folder < FOLDERS; folder++) {
    await mkdir(join(dir, `pkg${folder}`));
    const writes = [];
    for (let file = 0; file < FILES / FOLDERS; file++) {
      writes.push(writeFile(join(dir, `pkg${folder}`, `file${file}.ts`), `export const value${file} = ${folder * 1000 + file};\n`.repeat(8)));
    }
    await Promise.all(writes);
  }
  await git(dir, ['add', '--all']);
  await git(dir, ['commit', '--quiet', '-m', 'generated']);
  // Packed, as a real clone is: 5,000 loose objects would set off `git gc --auto` (in the
  // background) during the bare side's first `git commit` and slow down whatever runs next.
  await git(dir, ['repack', '-a', '-d', '-q']);
  // The integration branch is checked out nowhere, so a merge lands by compare-and-swap.
  await git(dir, ['switch', '--quiet', '-c', 'person']);
}

/** The two turns of a task: edit three files and add one, then edit one of them again. */
async function turn(path, round, step) {
  for (const folder of [1, 17, 42]) await writeFile(join(path, `pkg${folder}`, `file${round}.ts`), `export const round = ${round}; // step ${step}\n`);
  await writeFile(join(path, `notes-${round}-${step}.md`), `round ${round} step ${step}\n`);
}

async function throughCcx(repo, id, path, round) {
  const started = performance.now();
  await createTaskWorktree(repo, { id, path, integration: 'main' });
  for (const cycle of [1, 2]) {
    await turn(path, round, cycle);
    await commitTurn(repo, { worktree: path, message: turnCommitMessage({ id, attempt: 1, cycle, role: 'implementer' }) });
  }
  const merged = await squashMerge(repo, { integration: 'main', branch: `ccx/${id}`, id, title: 'bench', body: 'two cycles' });
  if (merged.status !== 'merged') throw new Error(`bench merge ${merged.status}`);
  await removeTaskWorkspace(repo, { id, path });
  return performance.now() - started;
}

async function throughBareGit(dir, id, path, round) {
  const started = performance.now();
  const branch = `ccx/${id}`;
  await git(dir, ['worktree', 'add', '--quiet', '-b', branch, path, 'main']);
  for (const cycle of [1, 2]) {
    await turn(path, round, cycle);
    await git(path, ['add', '--all']);
    await git(path, ['commit', '--quiet', '--no-verify', '-m', `${id} a1 c${cycle} implementer`]);
  }
  const old = await git(dir, ['rev-parse', 'main']);
  const tree = (await git(dir, ['merge-tree', '--write-tree', 'main', branch])).split('\n')[0];
  const sha = await git(dir, ['commit-tree', tree, '-p', old], `${id}: bench\n\ntwo cycles\n\nCcx-Task: ${id}\n`);
  await git(dir, ['update-ref', 'refs/heads/main', sha, old]);
  await git(dir, ['worktree', 'remove', '--force', path]);
  await git(dir, ['branch', '-D', branch]);
  return performance.now() - started;
}
