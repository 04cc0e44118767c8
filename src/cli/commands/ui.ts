import { readEnv } from '../../config/env.js';
import { dataRoot } from '../../config/paths.js';
import { UsageError } from '../../errors.js';
import { booleanOption, stringOption, type Command } from '../command.js';
import { startDashboard, untilStopped } from '../dashboard.js';

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
    const server = await startDashboard(io, env, dataRoot(env), { port: portText === undefined ? env.uiPort : Number(portText), open: booleanOption(values, 'open') });
    await untilStopped();
    await server.close();
    return 0;
  },
};
