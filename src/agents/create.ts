import { CcxError } from '../errors.js';
import { claudeAgent } from './claude/adapter.js';
import { codexAgent } from './codex/adapter.js';
import { commandAgent } from './command/adapter.js';
import type { AgentAdapter, AgentConfig } from './types.js';

/** One adapter per configured agent; an adapter may run several turns at once. */
export function createAgent(config: AgentConfig): AgentAdapter {
  switch (config.type) {
    case 'claude':
      return claudeAgent(config);
    case 'codex':
      return codexAgent(config);
    case 'command':
      if (config.argv.length === 0 || config.argv[0] === '') {
        throw new CcxError('CONFIG_INVALID', 'A command agent needs argv with at least the program to run, but argv is empty.', {
          hint: 'Write it as {type: command, argv: [node, /abs/path/agent.mjs]} in config.yaml.',
        });
      }
      return commandAgent(config);
  }
}
