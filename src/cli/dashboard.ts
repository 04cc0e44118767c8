import { spawn } from 'node:child_process';
import type { CcxEnv } from '../config/env.js';
import { startUiServer, type UiServer } from '../ui/index.js';
import type { CliIO } from './command.js';

/** Starts `ccx ui`'s server on `dataRoot` and prints the address to open (with its one-time token). */
export async function startDashboard(io: CliIO, env: CcxEnv, dataRoot: string, options: { port: number; open: boolean }): Promise<UiServer> {
  const server = await startUiServer({ dataRoot, port: options.port, maxQueueDepth: env.maxQueueDepth });
  io.stdout(`ccx ui serves ${dataRoot}\nOpen ${server.url}\n(Ctrl-C stops it.)\n`);
  if (options.open) openBrowser(server.url, io.stderr);
  return server;
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The platform's opener, given the address as an argument (never through a shell). */
function openBrowser(url: string, stderr: (text: string) => void): void {
  const [command, ...args] = process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""'] : ['xdg-open'];
  const child = spawn(command as string, [...args, url], { stdio: 'ignore', detached: true });
  child.on('error', () => stderr(`ccx: could not start ${command as string} to open a browser; open the address above by hand.\n`));
  child.unref();
}
