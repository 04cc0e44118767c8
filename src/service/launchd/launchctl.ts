import { CcxError } from '../../errors.js';
import { LAUNCHD_LABEL } from '../constants.js';
import type { ServiceHost } from '../host.js';
import { runTool, sentence, toolSaid, type ToolResult } from '../tool.js';

/** The per-user GUI domain launch agents live in, and the service in it. */
export function launchdDomain(host: ServiceHost): string {
  return `gui/${host.uid}`;
}

export function launchdTarget(host: ServiceHost): string {
  return `${launchdDomain(host)}/${LAUNCHD_LABEL}`;
}

export async function launchctl(host: ServiceHost, args: readonly string[]): Promise<ToolResult> {
  const result = await runTool(host, 'launchctl', args);
  if (result.missing) {
    throw new CcxError('SERVICE_UNAVAILABLE', 'launchctl was not found on PATH.', { hint: 'Run ccx on macOS with /bin on PATH, or run `ccx daemon` in the foreground.' });
  }
  return result;
}

/** Whether the agent is loaded, and the state and pid launchd reports for it. */
export async function launchdState(host: ServiceHost): Promise<{ loaded: boolean; state: string | null; pid: number | null }> {
  const result = await launchctl(host, ['print', launchdTarget(host)]);
  if (result.exitCode !== 0) return { loaded: false, state: null, pid: null };
  const state = /^\s*state = (.+)$/m.exec(result.stdout)?.[1]?.trim() ?? null;
  const pid = Number(/^\s*pid = (\d+)$/m.exec(result.stdout)?.[1] ?? NaN);
  return { loaded: true, state, pid: Number.isInteger(pid) && pid > 0 ? pid : null };
}

export function requireLaunchctlOk(result: ToolResult, args: readonly string[], hint: string): void {
  if (result.exitCode === 0) return;
  throw new CcxError('SERVICE_FAILED', `\`launchctl ${args.join(' ')}\` failed: ${sentence(toolSaid(result))}`, { hint });
}
