import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { parseBoard } from '../../src/board/parse/parser.js';
import type { ParsedBoard } from '../../src/board/parse/board.js';
import type { TaskRow } from '../../src/board/types.js';
import { statePaths, type StatePaths } from '../../src/config/paths.js';
import { readStable } from '../../src/fs/stable-read.js';
import { CLI_PATH, isolatedEnv, runCli } from './cli.js';
import { gitdir, runGit } from './gitdir.js';

export const SCRIPTED_AGENT = fileURLToPath(new URL('../../examples/agents/scripted-agent.mjs', import.meta.url));

export interface TaskSpec {
  id: string;
  title: string;
  status?: string;
  scope?: string[];
  dependsOn?: string[];
  priority?: string;
  /** Extra YAML lines for the row, already indented by two spaces. */
  extra?: string;
  /** Files the scripted implementer writes (the brief's ```write blocks). */
  writes?: Record<string, string>;
  /** How long each of its turns takes (the brief's `scripted-delay-ms`). */
  delayMs?: number;
}

export interface WorldOptions {
  files?: Record<string, string>;
  tasks: TaskSpec[];
  parallel?: number;
  test?: string;
  maxAttempts?: number;
  /** A scripted-agent scenario (SPEC of examples/agents/scripted/scenario.mjs) for both roles. */
  scenario?: object;
  env?: NodeJS.ProcessEnv;
  /** Time between `ccx init` (which writes the default config.yaml) and the test's own config.yaml. */
  configDelayMs?: number;
}

export interface World {
  repo: string;
  env: NodeJS.ProcessEnv & { CCX_DATA_HOME: string };
  paths: StatePaths;
  board(): Promise<ParsedBoard>;
  row(id: string): Promise<TaskRow | undefined>;
  auditEvents(): Promise<Array<Record<string, unknown>>>;
  git(...args: string[]): Promise<string>;
}

/** A repository initialised for ccx, with scripted agents, a board of `tasks` and their briefs. */
export async function world(options: WorldOptions): Promise<World> {
  const repo = await gitdir({ 'README.md': '# test\n', ...options.files });
  const env = await isolatedEnv({ CCX_SHUTDOWN_GRACE_MS: '3000', ...options.env });
  const init = await runCli(['init'], { cwd: repo, env });
  if (init.exitCode !== 0) throw new Error(init.stderr);
  const paths = statePaths(init.stdout.trim());
  const scenario = join(paths.stateDir, 'scenario.json');
  await writeFile(scenario, JSON.stringify(options.scenario ?? {}));
  if (options.configDelayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.configDelayMs));
  const argv = [process.execPath, SCRIPTED_AGENT, scenario];
  await writeFile(paths.config, [
    `repo: ${JSON.stringify(repo)}`,
    'integration: main',
    `parallel: ${options.parallel ?? 3}`,
    ...(options.test === undefined ? [] : [`test: ${JSON.stringify(options.test)}`]),
    `max_attempts: ${options.maxAttempts ?? 2}`,
    'agents:',
    `  implementer: {type: command, argv: ${JSON.stringify(argv)}}`,
    `  reviewer: {type: command, argv: ${JSON.stringify(argv)}}`,
    '',
  ].join('\n'));
  await writeFile(paths.board, boardText(options.tasks));
  for (const task of options.tasks) await writeFile(paths.brief(task.id), briefText(task));
  return {
    repo,
    env,
    paths,
    board: async () => parseBoard(await readBoardFile(paths.board)),
    row: async (id) => parseBoard(await readBoardFile(paths.board)).rows.find((row) => row.id === id),
    auditEvents: async () => (await readFile(paths.audit, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>),
    git: (...args) => runGit(repo, args),
  };
}

/** BOARD.md as a person's editor reads it: ccx's swap leaves the name absent for microseconds, so a miss is retried. */
async function readBoardFile(path: string): Promise<Buffer> {
  const read = await readStable(path);
  if (read.kind !== 'ok') throw new Error(`${path} is ${read.kind}`);
  return read.bytes;
}

export function boardText(tasks: readonly TaskSpec[], direction = 'Keep it simple.'): string {
  const rows = tasks.map((task) => [
    `- id: ${task.id}`,
    `  title: ${JSON.stringify(task.title)}`,
    `  status: ${task.status ?? 'pending'}`,
    ...(task.scope === undefined ? [] : [`  scope:`, `    include: ${JSON.stringify(task.scope)}`]),
    ...(task.dependsOn === undefined ? [] : [`  depends_on: ${JSON.stringify(task.dependsOn)}`]),
    ...(task.priority === undefined ? [] : [`  priority: ${task.priority}`]),
    `  brief: tasks/${task.id}.md`,
    ...(task.extra === undefined ? [] : [task.extra]),
  ].join('\n'));
  return `# Board\n\n## Direction\n\n${direction}\n\n## Tasks\n\n\`\`\`yaml\n${rows.join('\n\n')}\n\`\`\`\n`;
}

export function briefText(task: TaskSpec): string {
  const writes = Object.entries(task.writes ?? { [defaultPath(task)]: `${task.id} was here\n` })
    .map(([path, content]) => `\`\`\`write ${path}\n${content.endsWith('\n') ? content : `${content}\n`}\`\`\``)
    .join('\n\n');
  const delay = task.delayMs === undefined ? '' : `scripted-delay-ms: ${task.delayMs}\n\n`;
  return `---\nid: ${task.id}\ntitle: ${JSON.stringify(task.title)}\n---\n\n# ${task.id}: ${task.title}\n\n## Goal\n\n${task.title}.\n\n${delay}${writes}\n\n## Acceptance\n\n- done\n\n## Context\n\n-\n\n## Out of scope\n\n-\n\n## Test plan\n\n-\n\n## Decisions\n\n-\n`;
}

/** A file inside the task's scope (its first include, up to the first wildcard), else out/<id>.txt. */
function defaultPath(task: TaskSpec): string {
  const first = task.scope?.[0];
  if (first === undefined) return `out/${task.id}.txt`;
  const folder = first.split(/[*?[]/)[0]?.replace(/\/?$/, '/') ?? '';
  return folder === '/' ? `${task.id}.txt` : `${folder}${task.id}.txt`;
}

export interface DaemonProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (null after a signal), or rejects after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<number | null>;
}

/** Spawns the real `ccx daemon` (stopped with SIGKILL after the test if it still runs). */
export function startDaemon(target: World, args: string[] = []): DaemonProcess {
  const child = spawn(process.execPath, [CLI_PATH, 'daemon', ...args], { cwd: target.repo, env: { ...process.env, ...target.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    // Agents run in process groups of their own: a daemon killed here leaves them, so they go too
    // (else one could still write into the data root after the test removed it).
    for (const pid of await processesOf(target.paths.stateDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  });
  return {
    child,
    output: () => output,
    exited: (timeoutMs = 60_000) =>
      Promise.race([exit, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the daemon did not exit within ${timeoutMs} ms:\n${output}`)), timeoutMs).unref())]),
  };
}

/** Polls `check` until it returns something other than undefined/false (tests only: the daemon itself never polls). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, daemon?: DaemonProcess): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${daemon === undefined ? '' : `\n--- daemon output ---\n${daemon.output()}`}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Live processes (not zombies) whose environment names this STATE_DIR: every command agent gets
 * CCX_STATE_DIR, and so does anything it starts (a grandchild that ignores SIGTERM). Linux /proc.
 */
export async function processesOf(stateDir: string): Promise<number[]> {
  return processesWithEnv('CCX_STATE_DIR', stateDir);
}

/** Live processes (not zombies) whose environment has `name=value` (Linux /proc). */
export async function processesWithEnv(name: string, value: string): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const marker = `${name}=${value}\0`;
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const status = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z /.test(status)) continue;
      if ((await readFile(`/proc/${entry}/environ`, 'utf8')).includes(marker)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
