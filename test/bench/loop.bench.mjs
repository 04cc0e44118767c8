// The loop engine's own figures. (1) Prompt bytes of cycles 1–10 of a forever run whose reviewer
// finds a NEW issue every cycle while the implementer keeps adding to the diff: a turn's prompt
// must not grow with the cycle (target: cycle 10 ≤ 1.2 × cycle 2). (2) ccx's own time per cycle
// with instant in-process agents: turn commit, scope check, diff, prompt and artifact files,
// verdict parsing, ledger and checkpoint, on a 1,000-file repository (agent time excluded).
import { execa } from 'execa';
import { appendFile, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createAgent } from '../../dist/agents/index.js';
import { createTaskWorktree, openRepo } from '../../dist/git/index.js';
import { BUILT_IN_LADDER, runAttempt } from '../../dist/loop/index.js';
import { median, round } from './stats.mjs';

const SCRIPTED = fileURLToPath(new URL('../../examples/agents/scripted-agent.mjs', import.meta.url));
const PROMPT_CYCLES = 10;
const PROMPT_TARGET = 1.2;
const OVERHEAD_CYCLES = 20;
const OVERHEAD_RUNS = 3;
const FILES = 1_000;
const ENV = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_CONFIG_NOSYSTEM: '1' };
const BRIEF = `# T-1: Harden the parser\n\n## Goal\n\nMake the config parser reject every malformed input with a message that names the line.\n\n## Acceptance\n\n${Array.from({ length: 12 }, (_, index) => `- Case ${index + 1}: a malformed input of kind ${index + 1} is rejected with its line and column.`).join('\n')}\n\n## Context\n\nThe parser lives in src/config; its tests in test/config.\n\n## Out of scope\n\nThe CLI.\n\n## Test plan\n\nnpm test\n\n## Decisions\n\nNone yet.\n`;

export async function run() {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'ccx-bench-loop-')));
  try {
    const prompts = await promptGrowth(join(root, 'prompts'));
    const overhead = [];
    for (let index = 0; index < OVERHEAD_RUNS; index++) overhead.push(await ownTimePerCycle(join(root, `overhead-${index}`)));
    const work = prompts.work;
    const review = prompts.review;
    return {
      prompt_bytes: { work, review },
      prompt_ratio_c10_c2: { work: ratio(work[9], work[1]), review: ratio(review[9], review[1]), target: PROMPT_TARGET },
      own_ms_per_cycle: { median: round(median(overhead)), runs: overhead.map(round), cycles: OVERHEAD_CYCLES, files: FILES },
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A real forever run with the scripted agents: the reviewer's approve-at-11 raises a new finding every cycle. */
async function promptGrowth(dir) {
  const { input } = await setUp(dir, 10);
  const scripted = createAgent({ type: 'command', argv: [process.execPath, SCRIPTED, `approve-at-${PROMPT_CYCLES + 1}`] });
  const events = [];
  const result = await runAttempt({ ...input, agents: { implementer: scripted, reviewer: scripted }, task: { ...input.task, maxCycles: PROMPT_CYCLES, scope: { include: [], exclude: [] } }, hooks: hooks(events) });
  if (result.exit !== 'cycle-cap' || result.cycles !== PROMPT_CYCLES) throw new Error(`bench: expected ${PROMPT_CYCLES} cycles, got ${result.exit} after ${result.cycles}`);
  const started = events.filter((event) => event.type === 'turn.started');
  return { work: started.filter((event) => event.phase !== 'review').map((event) => event.promptBytes), review: started.filter((event) => event.phase === 'review').map((event) => event.promptBytes) };
}

/** Instant agents in the process: what is left of a cycle's time is ccx's own. */
async function ownTimePerCycle(dir) {
  const { input } = await setUp(dir, FILES);
  const implementer = { type: 'command', runTurn: async (request) => {
    await appendFile(join(request.worktree, 'src', 'work.md'), `- cycle ${request.env.CCX_CYCLE}\n`);
    return ok('done');
  } };
  const reviewer = { type: 'command', runTurn: async (request) => {
    const cycle = request.env.CCX_CYCLE;
    const verdict = { verdict: 'needs-attention', summary: 's', findings: [{ severity: 'high', title: `Issue ${cycle}`, body: `New in cycle ${cycle}.`, file: 'src/work.md', line_start: 1, line_end: 1, confidence: 0.9, recommendation: 'Fix it.' }], next_steps: [] };
    return ok(JSON.stringify(verdict), verdict);
  } };
  const started = performance.now();
  const result = await runAttempt({ ...input, agents: { implementer, reviewer }, task: { ...input.task, maxCycles: OVERHEAD_CYCLES }, hooks: hooks([]) });
  if (result.cycles !== OVERHEAD_CYCLES) throw new Error(`bench: expected ${OVERHEAD_CYCLES} cycles, got ${result.cycles}`);
  return (performance.now() - started) / OVERHEAD_CYCLES;
}

function ok(text, structured) {
  return { kind: 'ok', message: '', text, structured, exitCode: 0, signal: null, timedOut: false, canceled: false, durationMs: 0, stdout: text, stderr: '' };
}

function hooks(events) {
  return { onEvent: (event) => events.push(event), onCheckpoint: async () => undefined, waitForLimit: async () => undefined };
}

async function setUp(dir, files) {
  const repoDir = join(dir, 'repo');
  await mkdir(join(repoDir, 'src'), { recursive: true });
  const git = (args) => execa('git', args, { cwd: repoDir, env: ENV, extendEnv: false });
  await git(['init', '--quiet', '--initial-branch=main']);
  await Promise.all(Array.from({ length: files }, (_, index) => writeFile(join(repoDir, 'src', `file${index}.ts`), `export const value${index} = ${index};\n`)));
  await git(['add', '--all']);
  await git(['commit', '--quiet', '-m', 'generated']);
  const repo = await openRepo(repoDir);
  const worktree = await createTaskWorktree(repo, { id: 'T-1', path: join(dir, 'state', 'worktrees', 'T-1'), integration: 'main' });
  const input = {
    repo, worktree: worktree.path, base: worktree.head, brief: BRIEF, direction: 'Small, tested steps.', testCommand: null,
    task: { id: 'T-1', title: 'Harden the parser', scope: { include: ['src/**'], exclude: [] }, mode: 'forever', loops: 2, maxCycles: 10, minSeverity: 'low', minConfidence: 0, maxCostUsd: null, codexFirst: false, attempt: 1 },
    rung: BUILT_IN_LADDER.tiers[1], runDir: join(dir, 'state', 'runs', 'T-1', 'a1'), stateDir: join(dir, 'state'), turnTimeoutMs: 60_000, signal: new AbortController().signal,
  };
  return { input };
}

function ratio(a, b) {
  return Number((a / b).toFixed(3));
}
