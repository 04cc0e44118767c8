import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseConfig, type AgentConfig, type RepoConfig } from '../../config/config-file.js';
import { readEnv } from '../../config/env.js';
import { dataRoot, statePaths } from '../../config/paths.js';
import { discoverStateDirs } from '../../daemon/runtime/discover.js';
import { errnoCode, isCcxError } from '../../errors.js';
import { parseLadder } from '../../loop/ladder/load.js';
import type { CheckResult, DoctorHost } from '../types.js';
import { findExecutable } from '../which.js';
import type { AgentName } from './agent.js';

/** What the initialised repositories configure; `uses` is null when there is none (then ccx would use claude and codex). */
export interface ReposReport {
  results: CheckResult[];
  uses: Set<AgentName> | null;
}

/** Shell words that are not programs on PATH: a test command starting with one is not looked up. */
const SHELL_WORDS = new Set(['cd', 'exec', 'export', 'env', 'true', 'false', 'test', '[', '.', 'source', 'set', 'if', 'for', 'while', '(', '{', 'time', 'command', 'eval']);

/** Each initialised repository's config.yaml and model-ladder.json, its agents' programs and its test command's program. */
export async function checkRepos(host: DoctorHost): Promise<ReposReport> {
  let env;
  try {
    env = readEnv(host.env);
  } catch (error) {
    if (!isCcxError(error)) throw error;
    return { results: [], uses: null };
  }
  const root = dataRoot(env, { platform: host.platform, home: host.home, xdgDataHome: nonEmpty(host.env['XDG_DATA_HOME']) });
  const stateDirs = await discoverStateDirs(root);
  if (stateDirs.length === 0) return { results: [], uses: null };
  const uses = new Set<AgentName>();
  const results: CheckResult[] = [];
  for (const stateDir of stateDirs) results.push(...(await checkRepo(host, stateDir, uses)));
  return { results, uses };
}

async function checkRepo(host: DoctorHost, stateDir: string, uses: Set<AgentName>): Promise<CheckResult[]> {
  const paths = statePaths(stateDir);
  const results: CheckResult[] = [];
  let config: RepoConfig | null = null;
  let text: string | null = null;
  try {
    text = await readFile(paths.config, 'utf8');
  } catch (error) {
    results.push({ level: 'fail', name: 'config', message: `${paths.config} cannot be read (${errnoCode(error) ?? String(error)})`, fix: 'Make it a readable file, or run `ccx init` in the repository again.' });
  }
  if (text !== null) {
    const parsed = parseConfig(text);
    if ('config' in parsed) config = parsed.config;
    else {
      for (const problem of parsed.problems) {
        results.push({ level: 'fail', name: 'config', message: `${paths.config}:${problem.line}:${problem.column}: ${problem.message}`, fix: 'Fix config.yaml and save; the daemon keeps the last good configuration meanwhile.' });
      }
    }
  }
  results.push(...(await checkLadder(paths.ladder)));
  if (config === null) return results;
  results.unshift({ level: 'ok', name: 'config', message: `${config.repo}: ${paths.config} is valid (implementer ${describe(config.agents.implementer)}, reviewer ${describe(config.agents.reviewer)})` });
  for (const role of ['implementer', 'reviewer'] as const) {
    const agent = config.agents[role];
    if (agent.type === 'command') results.push(await checkCommandAgent(host, config.repo, role, agent.argv));
    else uses.add(agent.type);
  }
  if (config.test !== null) {
    const result = await checkTestCommand(host, config.repo, config.test);
    if (result !== null) results.push(result);
  }
  return results;
}

async function checkLadder(path: string): Promise<CheckResult[]> {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    return [{ level: 'fail', name: 'ladder', message: `${path} cannot be read (${errnoCode(error) ?? String(error)})`, fix: 'Make it a readable file, or remove it to use the built-in ladder.' }];
  }
  const parsed = parseLadder(text);
  if ('ladder' in parsed) return [{ level: 'ok', name: 'ladder', message: `${path} is valid (${parsed.ladder.tiers.map((rung) => rung.alias).join(', ')})` }];
  return parsed.problems.map((problem) => ({ level: 'fail', name: 'ladder', message: `${path}:${problem.line}:${problem.column}: ${problem.message}`, fix: 'Fix the file, or remove it to use the built-in ladder.' }));
}

function describe(agent: AgentConfig): string {
  return agent.type === 'command' ? `command ${agent.argv[0] ?? ''}` : agent.type;
}

/** A command agent's argv[0] exists and is executable (a bare name is looked up on PATH, a relative path from the repository). */
async function checkCommandAgent(host: DoctorHost, repo: string, role: 'implementer' | 'reviewer', argv: readonly string[]): Promise<CheckResult> {
  const program = argv[0] ?? '';
  const where = `${repo}: agents.${role}.argv[0]`;
  const problem = await programProblem(host, repo, program);
  if (problem === null) return { level: 'ok', name: role, message: `${where} ${JSON.stringify(program)} is executable (${await findExecutable(program, host.env, repo) ?? program})` };
  return { level: 'fail', name: role, message: `${where} ${JSON.stringify(program)} ${problem}`, fix: `Install it, make it executable (chmod +x), or point argv[0] in config.yaml at the program's absolute path.` };
}

/** The program that starts the test command line; null when it starts with a shell word or the line is not plain. */
async function checkTestCommand(host: DoctorHost, repo: string, line: string): Promise<CheckResult | null> {
  const program = line
    .trim()
    .split(/\s+/)
    .find((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
  if (program === undefined || SHELL_WORDS.has(program) || /[$`"'|&;<>()]/.test(program)) return null;
  const where = `${repo}: test command ${JSON.stringify(line)}`;
  const problem = await programProblem(host, repo, program);
  if (problem === null) return { level: 'ok', name: 'test command', message: `${where}: ${program} is executable` };
  return { level: 'fail', name: 'test command', message: `${where}: ${program} ${problem}`, fix: `Install ${program}, or change test: in config.yaml (every task's tests would fail).` };
}

/** Why `program` cannot be run, or null when it can. */
async function programProblem(host: DoctorHost, cwd: string, program: string): Promise<string | null> {
  if (!program.includes('/')) {
    return (await findExecutable(program, host.env, cwd)) === null ? 'was not found on PATH' : null;
  }
  const path = isAbsolute(program) ? program : resolve(cwd, program);
  try {
    if (!(await stat(path)).isFile()) return `is not a file (${path})`;
  } catch {
    return `does not exist (${path})`;
  }
  try {
    await access(path, constants.X_OK);
    return null;
  } catch {
    return `is not executable (${path})`;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
