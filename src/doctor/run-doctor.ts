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
import { checkService } from './checks/service.js';
import type { CheckResult, DoctorHost } from './types.js';

/** How long one probe (`claude --version`, `codex login status`, …) may take. */
export const DOCTOR_TIMEOUT_MS = 10_000;

export function currentDoctorHost(env: NodeJS.ProcessEnv, cwd: string): DoctorHost {
  const home = env['HOME'] === undefined || env['HOME'] === '' ? homedir() : env['HOME'];
  return { env, cwd, platform: process.platform, home, nodeVersion: process.versions.node, timeoutMs: DOCTOR_TIMEOUT_MS, service: currentServiceHost(env), containment: cgroupSupport() };
}

/** Every check, run at once, reported in a fixed order. */
export async function runDoctor(host: DoctorHost): Promise<CheckResult[]> {
  const groups = await Promise.all([
    Promise.resolve([checkNode(host)]),
    checkGit(host).then((result) => [result]),
    agentChecks(host, 'claude'),
    agentChecks(host, 'codex'),
    checkDataRoot(host),
    checkService(host),
    Promise.resolve([checkContainment(host)]),
  ]);
  return groups.flat();
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
