import { serveMcpOnChannel } from '../../ask/index.js';
import { UsageError } from '../../errors.js';
import { stringOption, type Command } from '../command.js';

/** Internal: started by claude or codex for an implementer turn, never by a person. */
export const mcp: Command = {
  usage: 'ccx mcp --dir <channel folder>',
  details: `Serves the MCP tool ask_person over stdio (newline-delimited JSON-RPC 2.0) for one agent turn.
Each question is written to the channel folder, where the ccx process running the turn answers it.
ccx starts this itself (claude --mcp-config, codex -c mcp_servers.ccx...); there is no need to run it.`,
  options: { dir: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ values }) {
    const dir = stringOption(values, 'dir');
    if (dir === undefined || !dir.startsWith('/')) throw new UsageError('ccx mcp needs --dir <absolute channel folder>; ccx passes it when it starts an agent turn.');
    await serveMcpOnChannel(dir, process.stdin, process.stdout);
  },
};
