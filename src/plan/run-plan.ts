import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AgentAdapter } from '../agents/index.js';
import { directionOf, type BoardStore, type ParsedBoard } from '../board/index.js';
import type { StatePaths } from '../config/paths.js';
import { CcxError, errnoCode } from '../errors.js';
import { ensureDirNoFollow } from '../fs/no-follow.js';
import type { GitRepo } from '../git/index.js';
import { addTasks } from '../intake/add-tasks.js';
import { rungFor } from '../loop/ladder/pick.js';
import type { Ladder } from '../loop/types.js';
import { askForPlan } from './ask.js';
import { notesOf, planDrafts } from './drafts.js';
import { fileOverview } from './overview.js';
import { planPrompt, type PlanPromptInput } from './prompt.js';
import { readmeOf, trackedFiles } from './repository.js';
import { planSchema } from './schema.js';
import type { DraftedTask, PlanWork } from './types.js';

export interface PlanInput {
  repo: GitRepo;
  paths: StatePaths;
  store: BoardStore;
  /** Where accepted inbox files go (their T-<n> names count as used ids). */
  acceptedFolder?: string;
  /** The implementer from config.yaml; it plans in the reviewer role, read only. */
  agent: AgentAdapter;
  ladder: Ladder;
  work: PlanWork;
  /** Add to a board that has rows already. */
  append: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface PlanResult {
  drafted: DraftedTask[];
  /** 1, or 2 when the first answer was refused. */
  tries: number;
  /** Where the prompts and answers are kept. */
  planDir: string;
}

/**
 * `ccx plan`: the agent drafts tasks, ccx checks them (schema, depends_on, every glob grounded on
 * the tracked files), and adds them to BOARD.md as drafts with their briefs. Nothing is written to
 * the board or tasks/ unless a plan passed every check.
 */
export async function planTasks(input: PlanInput): Promise<PlanResult> {
  const board = await writableBoard(input);
  const tracked = await trackedFiles(input.repo);
  const aliases = input.ladder.tiers.map((tier) => tier.alias);
  const schema = planSchema(aliases);
  const context: PlanPromptInput = {
    work: input.work,
    overview: fileOverview(tracked),
    readme: await readmeOf(input.repo, tracked),
    direction: directionOf(board.text),
    rows: board.rows.map((row) => ({ id: row.id, status: row.status, title: row.title })),
    aliases,
    schema,
  };
  const planDir = await newPlanDir(input.paths.plans);
  const { tasks, tries } = await askForPlan({
    agent: input.agent, rung: rungFor(input.ladder, undefined), repoRoot: input.repo.root, stateDir: input.paths.stateDir, planDir,
    prompt: (refused) => planPrompt(context, refused), schema, rules: { repo: input.repo, aliases, boardIds: new Set(board.rows.map((row) => row.id)) },
    timeoutMs: input.timeoutMs, signal: input.signal, onProgress: input.onProgress,
  });
  // A person may have added rows while the agent was thinking.
  await writableBoard(input);
  const ids = await addTasks({ store: input.store, paths: input.paths, acceptedFolder: input.acceptedFolder }, planDrafts(tasks));
  const idOf = new Map(tasks.map((task, index) => [task.key, ids[index] as string]));
  const drafted = tasks.map((task, index) => ({ ...task, id: ids[index] as string, dependsOnIds: task.dependsOn.map((name) => idOf.get(name) ?? name), notes: notesOf(task) ?? null }));
  return { drafted, tries, planDir };
}

/** The board, refused when ccx could not write it, or when it has rows and --append was not given. */
async function writableBoard(input: PlanInput): Promise<ParsedBoard> {
  const read = await input.store.read();
  if (read.kind !== 'ok') {
    throw new CcxError(read.kind === 'missing' ? 'NOT_INITIALISED' : 'BOARD_UNREADABLE', read.message, { hint: 'Run `ccx init` in the repository, or restore BOARD.md.' });
  }
  const board = read.board;
  const problem = board.problems.find((candidate) => candidate.level === 'file');
  if (!board.valid || problem !== undefined) {
    throw new CcxError('BOARD_INVALID', `${input.paths.board}:${problem?.line ?? 1}:${problem?.column ?? 1}: ${problem?.message ?? 'the board does not parse'}`, {
      hint: 'ccx plan writes only to a board that parses: fix it (`ccx board`), then plan again.',
    });
  }
  if (board.flowList && board.emptyFlowList === null) {
    throw new CcxError('BOARD_INVALID', `${input.paths.board} writes its Tasks list in flow style ([...]); ccx adds rows only to a block list.`, {
      hint: 'Rewrite the list with one `- id: T-<n>` row per line, then plan again.',
    });
  }
  if (!input.append && board.layouts.length > 0) {
    const count = board.layouts.length;
    throw new CcxError('BOARD_HAS_ROWS', `${input.paths.board} already has ${count} task row${count === 1 ? '' : 's'}, and ccx plan without --append writes only to a board with none.`, {
      hint: 'Run the same ccx plan with --append to add the new rows after the existing ones.',
    });
  }
  return board;
}

/** STATE_DIR/plans/<UTC time>[-k]/, made fresh for this run (0700); a link planted at plans/ is refused, not followed. */
async function newPlanDir(plans: string): Promise<string> {
  await ensureDirNoFollow(dirname(plans), plans);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  for (let suffix = 1; ; suffix++) {
    const dir = join(plans, suffix === 1 ? stamp : `${stamp}-${suffix}`);
    try {
      await mkdir(dir, { mode: 0o700 });
      return dir;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
  }
}
