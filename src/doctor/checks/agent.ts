import { readFile } from 'node:fs/promises';
import { firstLine, probe } from '../run-tool.js';
import type { CheckResult, DoctorHost } from '../types.js';
import { compareVersions, formatVersion, parseVersion } from '../version.js';
import { findExecutable } from '../which.js';

export type AgentName = 'claude' | 'codex';

export const AGENT_CLIS: Readonly<Record<AgentName, { variable: string; npmPackage: string }>> = {
  claude: { variable: 'CCX_CLAUDE_BIN', npmPackage: '@anthropic-ai/claude-code' },
  codex: { variable: 'CCX_CODEX_BIN', npmPackage: '@openai/codex' },
};

/** The agent binary ccx would run: $CCX_<AGENT>_BIN, else the name on PATH (SPEC 10). */
export function agentCommand(host: DoctorHost, agent: AgentName): string {
  const configured = host.env[AGENT_CLIS[agent].variable];
  return configured === undefined || configured.trim() === '' ? agent : configured;
}

/**
 * Found (where), and its version against the one ccx is tested with (package.json "conformance").
 * `usable` is its path when it answered `--version`, so that more can be asked of it.
 */
export async function checkAgentBinary(host: DoctorHost, agent: AgentName): Promise<{ result: CheckResult; usable: string | null }> {
  const { variable, npmPackage } = AGENT_CLIS[agent];
  const command = agentCommand(host, agent);
  const install = `Install it (npm install --global ${npmPackage}) or set ${variable} to its path.`;
  const path = await findExecutable(command, host.env, host.cwd);
  if (path === null) {
    const where = command === agent ? `on PATH (${variable} is not set)` : `at ${variable}=${command}`;
    return { usable: null, result: { level: 'fail', name: agent, message: `${agent} was not found ${where}`, fix: install } };
  }
  const result = await probe(path, ['--version'], host);
  const version = parseVersion(result.output);
  if (result.exitCode !== 0 || version === null) {
    const how = result.timedOut ? `did not answer within ${host.timeoutMs / 1000} s` : `failed (${firstLine(result)})`;
    return { usable: null, result: { level: 'fail', name: agent, message: `${path} was found, but \`${agent} --version\` ${how}`, fix: `Reinstall it (npm install --global ${npmPackage}) or set ${variable} to a working one.` } };
  }
  const tested = parseVersion((await testedVersions())[npmPackage] ?? '');
  const found = `${agent} ${formatVersion(version)} (${path})`;
  if (tested !== null && compareVersions(version, tested) < 0) {
    return {
      usable: path,
      result: { level: 'warn', name: agent, message: `${found} is older than ${formatVersion(tested)}, the version ccx is tested with`, fix: `Update it: npm install --global ${npmPackage}@latest` },
    };
  }
  return { usable: path, result: { level: 'ok', name: agent, message: tested === null ? found : `${found}; ccx is tested with ${formatVersion(tested)}` } };
}

let tested: Promise<Record<string, string>> | undefined;

/** package.json "conformance": the CLI versions the conformance suite pins. */
function testedVersions(): Promise<Record<string, string>> {
  tested ??= readFile(new URL('../../../package.json', import.meta.url), 'utf8')
    .then((text) => (JSON.parse(text) as { conformance?: Record<string, string> }).conformance ?? {})
    .catch(() => ({}));
  return tested;
}
