import { homedir } from 'node:os';
import { currentServiceHost } from '../service/index.js';
import { cgroupSupport } from '../agents/process/cgroup.js';
import { checkAgentBinary, type AgentName } from './checks/agent.js';
import { checkClaudeLogin } from './checks/claude-login.js';
import { checkCodexLogin } from './checks/codex-login.js';
import { checkContainment } from './checks/containment.js';
import { checkDataRoot } from './checks/data-root.js';
import { checkGit } from './checks/git.js';
import { checkNode } from './checks/node.js';
import { checkNotify } from './checks/notify.js';
import { checkRepos } from './checks/repos.js';
import { checkService } from './checks/service.js';
import type { CheckResult, DoctorHost } from './types.js';

/** How long one probe (`claude --version`, `codex login status`, …) may take. */
export const DOCTOR_TIMEOUT_MS = 10_000;

export function currentDoctorHost(env: NodeJS.ProcessEnv, cwd: string): DoctorHost {
  const home = env['HOME'] === undefined || env['HOME'] === '' ? homedir() : env['HOME'];
  return { env, cwd, platform: process.platform, home, nodeVersion: process.versions.node, timeoutMs: DOCTOR_TIMEOUT_MS, service: currentServiceHost(env), containment: cgroupSupport() };
}

/**
 * Every check, run at once, reported in a fixed order. claude and codex are checked only when an
 * initialised repository's config.yaml uses them (or when none is initialised: `ccx init` and an
 * uninitialised `ccx loop` use both).
 */
export async function runDoctor(host: DoctorHost): Promise<CheckResult[]> {
  const repos = checkRepos(host);
  const groups = await Promise.all([
    Promise.resolve([checkNode(host)]),
    checkGit(host).then((result) => [result]),
    repos.then((report) => (report.uses === null || report.uses.has('claude') ? agentChecks(host, 'claude') : [unused('claude')])),
    repos.then((report) => (report.uses === null || report.uses.has('codex') ? agentChecks(host, 'codex') : [unused('codex')])),
    checkDataRoot(host),
    repos.then((report) => report.results),
    checkNotify(host),
    checkService(host),
    Promise.resolve([checkContainment(host)]),
  ]);
  return groups.flat();
}

function unused(agent: AgentName): CheckResult {
  return { level: 'ok', name: agent, message: 'not checked: no initialised repository\'s config.yaml uses it' };
}

/** Found and its version, then logged in (only asked of a binary that was found). */
async function agentChecks(host: DoctorHost, agent: AgentName): Promise<CheckResult[]> {
  const found = await checkAgentBinary(host, agent);
  if (found.usable === null) return [found.result];
  const login = agent === 'claude' ? await checkClaudeLogin(host, found.usable) : await checkCodexLogin(host, found.usable);
  return [found.result, login];
}

export function doctorFailed(results: readonly CheckResult[]): boolean {
  return results.some((result) => result.level === 'fail');
}
