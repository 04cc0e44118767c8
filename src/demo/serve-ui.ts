import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CcxEnv } from '../config/env.js';
import { CcxError } from '../errors.js';
import { startUiServer, type UiServer } from '../ui/index.js';
import type { DemoSetup } from './prepare.js';

/** How long the demo waits after opening the browser, so a newcomer sees the tasks pending first. */
export const DEMO_UI_HEAD_START_MS = 2000;

/**
 * `ccx demo --ui`: the dashboard over the demo's own data root, on CCX_UI_PORT (4170) or, when
 * that port is taken (a `ccx ui` of the person's own), on a free one. The address, with its token,
 * is always printed; the browser is opened where there is a display to open it on.
 */
export async function serveDemoUi(setup: DemoSetup, env: CcxEnv, print: (text: string) => void, open: boolean): Promise<UiServer> {
  const options = { dataRoot: join(setup.root, 'data'), maxQueueDepth: env.maxQueueDepth };
  const server = await startUiServer({ ...options, port: env.uiPort }).catch((error: unknown) => {
    if (error instanceof CcxError && error.code === 'PORT_IN_USE') return startUiServer({ ...options, port: 0 });
    throw error;
  });
  print(`Dashboard:       ${server.url}\n`);
  if (open && canOpenBrowser()) {
    openBrowser(server.url, print);
    await new Promise((resolve) => setTimeout(resolve, DEMO_UI_HEAD_START_MS));
  }
  return server;
}

/** A display to open a browser on: always on macOS and Windows, with X11 or Wayland elsewhere. */
export function canOpenBrowser(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(env['DISPLAY'] || env['WAYLAND_DISPLAY']);
}

/** The platform's opener, given the address as one argument (never through a shell). */
function openBrowser(url: string, print: (text: string) => void): void {
  const [command, ...args] = process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""'] : ['xdg-open'];
  const child = spawn(command as string, [...args, url], { stdio: 'ignore', detached: true });
  child.on('error', () => print(`(could not start ${command as string} to open a browser: open the address above by hand)\n`));
  child.unref();
}
