import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TurnAsk } from './types.js';

/** The MCP server's name in each CLI's config, and its one tool (SPEC 15). */
export const ASK_MCP_SERVER = 'ccx';
export const ASK_TOOL = 'ask_person';
/** claude's name for the tool, as --allowedTools takes it. */
export const CLAUDE_ASK_TOOL = `mcp__${ASK_MCP_SERVER}__${ASK_TOOL}`;

/** A little past the wait, so ccx's own "stop and summarise" reply arrives before the CLI gives up. */
function toolTimeoutSeconds(ask: TurnAsk): number {
  return Math.ceil(ask.toolTimeoutMs / 1000) + 60;
}

/** claude: `--mcp-config <file>` naming `ccx mcp`; the file goes in the turn's scratch folder. */
export async function writeClaudeMcpConfig(ask: TurnAsk, scratchDir: string, id: string): Promise<string> {
  const [command, ...args] = ask.mcpArgv;
  const path = join(scratchDir, `mcp-config-${id}.json`);
  await writeFile(path, JSON.stringify({ mcpServers: { [ASK_MCP_SERVER]: { type: 'stdio', command, args } } }), { mode: 0o600 });
  return path;
}

/** claude reads its MCP tool timeout from the environment (ms). */
export function claudeAskEnv(ask: TurnAsk): Record<string, string> {
  return { MCP_TOOL_TIMEOUT: String(toolTimeoutSeconds(ask) * 1000) };
}

/** codex: the server through `-c mcp_servers.ccx.*` (TOML values), with a tool timeout that outlasts ask.wait. */
export function codexAskArgs(ask: TurnAsk): string[] {
  const [command, ...args] = ask.mcpArgv;
  return [
    '-c', `mcp_servers.${ASK_MCP_SERVER}.command=${JSON.stringify(command ?? '')}`,
    '-c', `mcp_servers.${ASK_MCP_SERVER}.args=[${args.map((arg) => JSON.stringify(arg)).join(',')}]`,
    '-c', `mcp_servers.${ASK_MCP_SERVER}.tool_timeout_sec=${toolTimeoutSeconds(ask)}`,
    '-c', `mcp_servers.${ASK_MCP_SERVER}.startup_timeout_sec=30`,
    // exec runs with approval policy never: without this the call is refused ("requires approval").
    '-c', `mcp_servers.${ASK_MCP_SERVER}.default_tools_approval_mode="approve"`,
  ];
}
