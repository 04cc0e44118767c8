import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The argument vector that starts `ccx mcp`: this node and ccx's own entry point (dist/cli/bin.js
 * beside this module once built; from the sources, the built one).
 */
export function ccxMcpArgv(): string[] {
  const beside = fileURLToPath(new URL('../cli/bin.js', import.meta.url));
  const bin = existsSync(beside) ? beside : fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
  return [process.execPath, bin, 'mcp'];
}
