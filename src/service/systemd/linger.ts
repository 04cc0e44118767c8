import type { ServiceHost } from '../host.js';
import { runTool, toolSaid } from '../tool.js';

export type LingerState = { linger: boolean } | { linger: null; reason: string };

/** Whether the user's systemd instance outlives their login sessions (`loginctl show-user`). */
export async function lingerState(host: ServiceHost): Promise<LingerState> {
  const result = await runTool(host, 'loginctl', ['show-user', host.user, '--property=Linger']);
  if (result.missing) return { linger: null, reason: 'loginctl was not found on PATH' };
  const match = /^Linger=(yes|no)$/m.exec(result.stdout);
  if (result.exitCode === 0 && match !== null) return { linger: match[1] === 'yes' };
  return { linger: null, reason: `loginctl said: ${toolSaid(result)}` };
}

/** The sentence a person needs when linger is off or unknown; null when it is on. */
export function lingerNote(host: ServiceHost, state: LingerState): string | null {
  if (state.linger === true) return null;
  const fix = `loginctl enable-linger ${host.user}`;
  if (state.linger !== null) return `linger is off for ${host.user}, so the service stops when you log out (and starts at your next login). To keep it running: ${fix}`;
  return `could not tell whether linger is on (${state.reason}). If ccx should run while you are logged out: ${fix}`;
}
