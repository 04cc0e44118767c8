import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAgent, type AgentAdapter, type AgentConfig } from '../../src/agents/index.js';
import { DEFAULT_MAX_CYCLES } from '../../src/board/types.js';
import { BUILT_IN_LADDER } from '../../src/loop/ladder/built-in.js';
import type { AttemptCheckpoint, AttemptInput, AttemptResult, AttemptTask, LoopEvent } from '../../src/loop/types.js';
import { engineRepo, revParse } from './engine.js';
import { liveProcesses } from './processes.js';
import { testdir } from './testdir.js';

export const SCRIPTED_AGENT = fileURLToPath(new URL('../../examples/agents/scripted-agent.mjs', import.meta.url));

/** A scenario as the scripted agent takes it: a built-in name, or an object written to a JSON file. */
export type Scenario = string | { implementer?: object; reviewer?: object };

export interface ScriptedTurn {
  name: 'A' | 'B';
  role: 'implementer' | 'reviewer';
  cycle: number;
  phase: string;
  session: string | null;
  resume: '0' | '1' | null;
  model: string;
  effort: string;
  promptBytes: number;
}

export interface LoopFixtureOptions {
  files?: Record<string, string>;
  scenario?: Scenario;
  task?: Partial<AttemptTask>;
  testCommand?: string | null;
  brief?: string;
  direction?: string;
  turnTimeoutMs?: number;
  /** Replace one or both agents (e.g. a fake claude binary). */
  agents?: Partial<Record<'implementer' | 'reviewer', AgentConfig>>;
  /** Extra environment for the agents. */
  env?: Record<string, string>;
  /** How long the limit hook really waits at most (it waits until the reset time, capped). */
  maxLimitWaitMs?: number;
}

export interface LoopFixture {
  dir: string;
  input: AttemptInput;
  events: LoopEvent[];
  checkpoints: AttemptCheckpoint[];
  /** Every process group a turn or test run reported. */
  groups: number[];
  limitWaits: Array<{ agent: string; resetAt: Date; message: string; waitedMs: number }>;
  controller: AbortController;
  scriptedLog: string;
  run(overrides?: Partial<AttemptInput>): Promise<AttemptResult>;
  /** The scripted agent's turn records, in order. */
  turns(): Promise<ScriptedTurn[]>;
  eventsOf<T extends LoopEvent['type']>(type: T): Array<Extract<LoopEvent, { type: T }>>;
  /** No process of any reported group is alive. */
  noProcessesLeft(): boolean;
}

/** A real repository with a task worktree T-1, a fresh STATE_DIR, scripted agents and recording hooks. */
export async function loopFixture(options: LoopFixtureOptions = {}): Promise<LoopFixture> {
  const { dir, repo, task } = await engineRepo(options.files ?? { 'README.md': '# test\n' });
  const worktree = await task('T-1');
  const stateDir = await testdir();
  const scenarioArg = await scenarioPath(stateDir, options.scenario);
  const scripted: AgentConfig = { type: 'command', argv: [process.execPath, SCRIPTED_AGENT, ...(scenarioArg === undefined ? [] : [scenarioArg])], killGraceMs: 300 };
  const scriptedLog = join(stateDir, 'scripted-log.jsonl');
  // Slot A is the configured implementer, B the reviewer: the scripted log names who ran each turn.
  const agent = (config: AgentConfig, name: 'A' | 'B'): AgentAdapter =>
    createAgent({ ...config, baseEnv: { ...process.env, CCX_SCRIPTED_LOG: scriptedLog, CCX_SCRIPTED_NAME: name, ...options.env } } as AgentConfig);
  const events: LoopEvent[] = [];
  const checkpoints: AttemptCheckpoint[] = [];
  const groups: number[] = [];
  const limitWaits: LoopFixture['limitWaits'] = [];
  const controller = new AbortController();
  const fullTask: AttemptTask = {
    id: 'T-1', title: 'Do the thing', scope: { include: [], exclude: [] }, mode: 'loop', loops: 2, maxCycles: DEFAULT_MAX_CYCLES,
    minSeverity: 'low', minConfidence: 0, maxCostUsd: null, codexFirst: false, attempt: 1, ...options.task,
  };
  const input: AttemptInput = {
    repo,
    worktree: worktree.path,
    base: await revParse(dir, 'main'),
    task: fullTask,
    brief: options.brief ?? '# T-1: Do the thing\n\n## Goal\n\nDo the thing.\n',
    direction: options.direction ?? '',
    testCommand: options.testCommand ?? null,
    agents: { implementer: agent(options.agents?.implementer ?? scripted, 'A'), reviewer: agent(options.agents?.reviewer ?? scripted, 'B') },
    rung: BUILT_IN_LADDER.tiers[1]!,
    runDir: join(stateDir, 'runs', 'T-1', `a${fullTask.attempt}`),
    stateDir,
    turnTimeoutMs: options.turnTimeoutMs ?? 20_000,
    signal: controller.signal,
    hooks: {
      onEvent: (event) => events.push(event),
      onCheckpoint: async (checkpoint) => {
        checkpoints.push(JSON.parse(JSON.stringify(checkpoint)) as AttemptCheckpoint);
      },
      onProcessGroup: (group) => {
        if (group !== null) groups.push(group.pgid);
      },
      waitForLimit: async (agentType, resetAt, message) => {
        const started = Date.now();
        const ms = Math.max(0, Math.min(resetAt.getTime() - Date.now(), options.maxLimitWaitMs ?? 5_000));
        await new Promise((resolve) => setTimeout(resolve, ms));
        limitWaits.push({ agent: agentType, resetAt, message, waitedMs: Date.now() - started });
      },
    },
  };
  const fixture: LoopFixture = {
    dir, input, events, checkpoints, groups, limitWaits, controller, scriptedLog,
    run: (overrides = {}) => import('../../src/loop/index.js').then(({ runAttempt }) => runAttempt({ ...input, ...overrides })),
    eventsOf: <T extends LoopEvent['type']>(type: T) => events.filter((event): event is Extract<LoopEvent, { type: T }> => event.type === type),
    turns: async () => (await readFile(scriptedLog, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as ScriptedTurn),
    noProcessesLeft: () => groups.every((pgid) => liveProcesses({ pgid }).length === 0),
  };
  return fixture;
}

async function scenarioPath(stateDir: string, scenario: Scenario | undefined): Promise<string | undefined> {
  if (scenario === undefined || typeof scenario === 'string') return scenario;
  const path = join(stateDir, 'scenario.json');
  await writeFile(path, JSON.stringify(scenario));
  return path;
}
