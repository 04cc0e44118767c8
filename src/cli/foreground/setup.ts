import { access, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAgent, type AgentAdapter } from '../../agents/index.js';
import { directionOf } from '../../board/index.js';
import { claimNumber, nextNumber } from '../../brief/ids.js';
import { briefFromRow } from '../../brief/render.js';
import { loadConfig, type RepoConfig } from '../../config/config-file.js';
import { errnoCode } from '../../errors.js';
import { createFileExclusive, ensureDir } from '../../fs/atomic-write.js';
import { createTaskWorktree, listCcxWorkspaces, requireCurrentBranch, type TaskWorktree } from '../../git/index.js';
import { loadLadder, rungFor, type AttemptTask, type LadderRung } from '../../loop/index.js';
import type { CliIO } from '../command.js';
import { repoContext, type RepoContext } from '../context.js';
import type { ForegroundOptions } from './options.js';

/** A commit subject stays readable: the task's first line, cut at a word. */
export const MAX_TITLE_CHARS = 72;
/** Without config.yaml: Claude implements, Codex reviews (SPEC 9). */
const DEFAULT_AGENTS: RepoConfig['agents'] = { implementer: { type: 'claude' }, reviewer: { type: 'codex' } };

export interface ForegroundTask {
  context: RepoContext;
  /** The branch checked out where ccx was run: the task starts from it and --commit lands on it. */
  integration: string;
  config: RepoConfig | null;
  task: AttemptTask;
  brief: string;
  direction: string;
  worktree: TaskWorktree;
  runDir: string;
  agents: { implementer: AgentAdapter; reviewer: AgentAdapter };
  agentTypes: { implementer: string; reviewer: string };
  rung: LadderRung;
}

/**
 * Everything a foreground run needs, in the repository ccx runs in: its STATE_DIR (made when
 * `ccx init` was not run), config.yaml when there is one, a fresh `L-<n>` id, the brief, the
 * board's Direction, and the task's worktree from the current branch.
 */
export async function setUpForegroundTask(io: CliIO, options: ForegroundOptions): Promise<ForegroundTask> {
  const context = await repoContext(io);
  const { paths, repo } = context;
  const integration = await requireCurrentBranch(repo, io.cwd);
  const config = (await exists(paths.config)) ? await loadConfig(paths.config) : null;
  const rung = rungFor(await loadLadder(paths.ladder), undefined);
  const agentConfigs = config?.agents ?? DEFAULT_AGENTS;
  const agents = { implementer: createAgent(agentConfigs.implementer), reviewer: createAgent(agentConfigs.reviewer) };
  for (const folder of [paths.stateDir, paths.runs, paths.worktrees, paths.tasks]) await ensureDir(folder);
  const id = await reserveLoopId(context);
  const title = titleOf(options.text);
  const brief = briefFromRow({ id, title, scope: { include: [], exclude: [] }, dependsOn: [], notes: options.text === title ? null : options.text });
  await createFileExclusive(paths.brief(id), brief);
  const board = await readFile(paths.board, 'utf8').catch(() => '');
  const worktree = await createTaskWorktree(repo, { id, path: paths.worktree(id), integration });
  const task: AttemptTask = {
    id, title, scope: { include: [], exclude: [] }, mode: options.mode, loops: options.loops, maxCycles: options.maxCycles,
    minSeverity: options.minSeverity, minConfidence: options.minConfidence, maxCostUsd: null, codexFirst: options.codexFirst, attempt: 1,
  };
  return {
    context, integration, config, task, brief, direction: directionOf(board), worktree, runDir: join(paths.runDir(id), 'a1'), agents,
    agentTypes: { implementer: agentConfigs.implementer.type, reviewer: agentConfigs.reviewer.type }, rung,
  };
}

/** The first line of the task, cut at a word past MAX_TITLE_CHARS. */
export function titleOf(text: string): string {
  const first = (text.trim().split('\n')[0] ?? '').trim().replace(/\s+/g, ' ');
  if (first.length <= MAX_TITLE_CHARS) return first;
  const cut = first.slice(0, MAX_TITLE_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_TITLE_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * `L-<n>`, one more than any L id used here (run folders, worktrees, briefs, ccx/L-* branches),
 * reserved by creating its run folder, so two foreground runs never share one.
 */
async function reserveLoopId(context: RepoContext): Promise<string> {
  const { paths, repo } = context;
  const used: number[] = [];
  const workspaces = await listCcxWorkspaces(repo, paths.worktrees);
  for (const name of [...workspaces.branches.map((branch) => branch.id ?? ''), ...(await names(paths.runs)), ...(await names(paths.worktrees)), ...(await names(paths.tasks))]) {
    const match = /^L-(\d+)(?:\.md)?$/.exec(name);
    if (match !== null && Number.isSafeInteger(Number(match[1]))) used.push(Number(match[1]));
  }
  const number = await claimNumber(nextNumber(used), async (candidate) => {
    try {
      await mkdir(paths.runDir(`L-${candidate}`), { mode: 0o700 });
      return true;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
      return false;
    }
  });
  return `L-${number}`;
}

async function names(folder: string): Promise<string[]> {
  return readdir(folder).catch(() => []);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
