import type { AgentConfig as AdapterConfig } from '../../agents/index.js';
import { createAgent } from '../../agents/index.js';
import { loadConfig, type AgentConfig } from '../../config/config-file.js';
import { readEnv, type CcxEnv } from '../../config/env.js';
import { inboxPaths } from '../../config/paths.js';
import { UsageError } from '../../errors.js';
import { loadLadder } from '../../loop/index.js';
import { documentWork, draftedReport, planTasks, promptWork } from '../../plan/index.js';
import { boardStore } from '../board-access.js';
import { booleanOption, stringOption, type Command } from '../command.js';
import { initialisedContext } from '../context.js';

export const plan: Command = {
  usage: 'ccx plan "<prompt>" | --from <path> [--append]',
  details: `Asks the implementer agent of config.yaml, read only in the repository, to slice the work into
1 to 25 tasks with 1 to 5 scope globs each, depends_on and a model_start rung. ccx checks the answer
itself: the schema, depends_on (other tasks' keys or rows on the board, no cycles), the rung, and
every glob against the tracked files (git ls-files, glob mode). A glob that matches nothing is kept
only when it names a new path inside a folder that has tracked files, and the row's notes say so.
A refused answer gets one retry with the problems quoted back; a second refusal changes nothing.
The tasks are added to BOARD.md as draft rows (ids go on from the highest ever used) with their
briefs, and a table shows what to review before you flip them to pending. Each try's prompt and
answer are kept in STATE_DIR/plans/.

A command agent gets the prompt on stdin with CCX_ROLE=reviewer, CCX_PHASE=plan and CCX_ATTEMPT
(the try, 1 or 2), and prints the plan JSON on stdout.

Options:
  --from PATH   plan from a document in the repository (relative to its root) instead of a prompt
  --append      add to a board that already has rows (else such a board is refused)

Exit codes: 0 rows drafted, 1 nothing written (the agent failed or was limited, or its answer was
refused twice), 2 usage error.`,
  options: { from: { type: 'string' }, append: { type: 'boolean' } },
  positionals: { min: 0, max: 1 },
  async run({ values, positionals, io }) {
    const from = stringOption(values, 'from');
    const prompt = positionals[0];
    if ((from === undefined) === (prompt === undefined)) {
      throw new UsageError(from === undefined ? 'say what to plan: a prompt or --from <path>.' : 'give a prompt or --from <path>, not both.', { hint: `Usage: ${plan.usage}` });
    }
    const context = await initialisedContext(io);
    const work = from === undefined ? promptWork(prompt ?? '') : await documentWork(context.repo.root, from);
    const env = readEnv(io.env);
    const config = await loadConfig(context.paths.config);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    try {
      const result = await planTasks({
        repo: context.repo, paths: context.paths, store: boardStore(context), acceptedFolder: inboxPaths(context.repo.root).accepted,
        agent: createAgent(adapterConfig(config.agents.implementer, env, io.env)), ladder: await loadLadder(context.paths.ladder),
        work, append: booleanOption(values, 'append'), timeoutMs: env.turnTimeoutMs, signal: controller.signal,
        onProgress: (line) => io.stderr(`ccx plan: ${line}\n`),
      });
      io.stdout(draftedReport(result.drafted, { board: context.paths.board, tasks: context.paths.tasks }));
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};

/** config.yaml's agent as the adapter takes it: binaries from CCX_CLAUDE_BIN / CCX_CODEX_BIN, the person's environment. */
function adapterConfig(agent: AgentConfig, env: CcxEnv, baseEnv: NodeJS.ProcessEnv): AdapterConfig {
  switch (agent.type) {
    case 'claude':
      return { ...agent, bin: env.claudeBin, baseEnv };
    case 'codex':
      return { type: 'codex', bin: env.codexBin, baseEnv };
    case 'command':
      return { type: 'command', argv: agent.argv, baseEnv };
  }
}
