import { CcxError } from '../../errors.js';
import type { ServiceHost } from '../host.js';
import { runTool, sentence, toolSaid, type ToolResult } from '../tool.js';

/** What systemctl says when there is no user instance to talk to (sudo, su, containers, bare SSH). */
const NO_USER_INSTANCE = /Failed to connect to (user scope )?bus|Failed to get D-Bus connection|DBUS_SESSION_BUS_ADDRESS|XDG_RUNTIME_DIR|No medium found|System has not been booted with systemd/i;

/** `systemctl --user <args>`; a missing systemctl or an unreachable user instance is an error with the fix. */
export async function systemctl(host: ServiceHost, args: readonly string[]): Promise<ToolResult> {
  const result = await runTool(host, 'systemctl', ['--user', ...args]);
  if (result.missing) {
    throw new CcxError('SERVICE_UNAVAILABLE', 'systemctl was not found on PATH, so this system does not run systemd.', {
      hint: 'Run `ccx daemon` under a supervisor of your own (tmux, runit, your container\'s init).',
    });
  }
  if (result.exitCode !== 0 && NO_USER_INSTANCE.test(`${result.stderr}\n${result.stdout}`)) throw noUserInstance(host, result);
  return result;
}

/** Fails unless the call succeeded, naming the call and what systemctl said. */
export function requireOk(result: ToolResult, args: readonly string[], hint: string): void {
  if (result.exitCode === 0) return;
  throw new CcxError('SERVICE_FAILED', `\`systemctl --user ${args.join(' ')}\` failed: ${sentence(toolSaid(result))}`, { hint });
}

function noUserInstance(host: ServiceHost, result: ToolResult): CcxError {
  return new CcxError('SERVICE_UNAVAILABLE', `systemctl --user cannot reach your systemd user instance (it says: ${toolSaid(result)}).`, {
    hint:
      `This happens under sudo or su, in containers, and in sessions without a login. Log in as ${host.user} directly ` +
      `(or \`machinectl shell ${host.user}@\`), make sure XDG_RUNTIME_DIR=/run/user/${host.uid} is set and linger is on ` +
      `(\`loginctl enable-linger ${host.user}\`), then run \`ccx service install\` again. Without systemd, run \`ccx daemon\` under a supervisor of your own.`,
  });
}
