import { findExecutable } from '../../doctor/which.js';

/** The desktop notifier of this platform: notify-send on Linux, osascript on macOS. */
export const DESKTOP_PROGRAMS: Readonly<Partial<Record<NodeJS.Platform, string>>> = { linux: 'notify-send', darwin: 'osascript' };

/**
 * The argv a desktop sink runs (with `{title}` and `{text}` filled in by the command sink), or
 * a reason it has none here. osascript takes the texts as arguments, so no quoting is needed.
 */
export async function desktopArgv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<{ argv: string[] } | { missing: string }> {
  const program = DESKTOP_PROGRAMS[platform];
  if (program === undefined) return { missing: `ccx has no desktop notifier for ${platform} (use a command or webhook sink)` };
  const path = await findExecutable(program, env, '/');
  if (path === null) return { missing: `${program} was not found on PATH${platform === 'linux' ? ' (install libnotify-bin or libnotify)' : ''}` };
  if (platform === 'darwin') return { argv: [path, '-e', 'on run argv', '-e', 'display notification (item 2 of argv) with title (item 1 of argv)', '-e', 'end run', '{title}', '{text}'] };
  return { argv: [path, '--app-name=ccx', '{title}', '{text}'] };
}
