import { spawn } from 'node:child_process';
import { readEnv } from '../../config/env.js';
import { dataRoot } from '../../config/paths.js';
import { UsageError } from '../../errors.js';
import { startUiServer } from '../../ui/index.js';
import { booleanOption, stringOption, type Command } from '../command.js';

export const ui: Command = {
  usage: 'ccx ui [--port N] [--open]',
  details: `Serves a local dashboard of every repository under the data root: the overview STATUS.md
shows, each task's attempts, prompts, outputs, verdicts, test logs, diff and handoff, and a live
feed of the audit log. It submits tasks through the inbox and edits rows through the board's
compare-and-swap, like the CLI; it never schedules or merges (the daemon does, when it runs).
It listens on 127.0.0.1 and ::1 only and prints an address with a one-time token: open it (the
token becomes a cookie). Stop it with Ctrl-C.

Options:
  --port N   the port (default CCX_UI_PORT, else 4170; 0 picks a free one)
  --open     open the address in the default browser`,
  options: { port: { type: 'string' }, open: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const env = readEnv(io.env);
    const portText = stringOption(values, 'port');
    if (portText !== undefined && (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65_535)) throw new UsageError(`--port must be a port number from 0 to 65535, but it is ${JSON.stringify(portText)}.`);
    const root = dataRoot(env);
    const server = await startUiServer({ dataRoot: root, port: portText === undefined ? env.uiPort : Number(portText), maxQueueDepth: env.maxQueueDepth });
    io.stdout(`ccx ui serves ${root}\nOpen ${server.url}\n(Ctrl-C stops it.)\n`);
    if (booleanOption(values, 'open')) openBrowser(server.url, io.stderr);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};

/** The platform's opener, given the address as an argument (never through a shell). */
function openBrowser(url: string, stderr: (text: string) => void): void {
  const [command, ...args] = process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""'] : ['xdg-open'];
  const child = spawn(command as string, [...args, url], { stdio: 'ignore', detached: true });
  child.on('error', () => stderr(`ccx: could not start ${command as string} to open the browser; open the address above by hand.\n`));
  child.unref();
}
