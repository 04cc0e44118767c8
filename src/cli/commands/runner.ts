import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { readEnv } from '../../config/env.js';
import { UsageError } from '../../errors.js';
import { ANY_LABEL } from '../../runners/config.js';
import { DEFAULT_ACK_WAIT_MS } from '../../runners/nats/streams.js';
import { loadRunnerOverrides } from '../../runners/runner/overrides.js';
import { DEFAULT_HEARTBEAT_MS, Runner } from '../../runners/runner/runner.js';
import { stringOption, type Command } from '../command.js';

const DEFAULT_SLOTS = 2;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const runner: Command = {
  usage: 'ccx runner --nats URL [--slots N] [--labels a,b] [--cache DIR] [--name NAME] [--creds FILE] [--config FILE]',
  details: `Runs attempts that a ccx daemon on another host published to NATS JetStream (config.yaml
\`runners:\`). Keeps a clone of each repository under --cache (default ~/.cache/ccx/runner), runs the
same loop as the daemon with this host's own agents (CCX_CLAUDE_BIN, CCX_CODEX_BIN, or the command
agents named in config.yaml), pushes every turn commit to refs/ccx/T-<n> on the repository's
remote, and heart-beats. SIGTERM or Ctrl-C hands running attempts back: another runner continues
them from their last pushed turn.
  --nats URL       NATS server(s), comma-separated (nats://host:4222)
  --slots N        attempts at once (default ${DEFAULT_SLOTS})
  --labels a,b     kinds of attempt this runner takes beside "any" (config.yaml runners.labels)
  --cache DIR      where the clones, worktrees and run folders live
  --name NAME      how the daemon's STATUS.md names this runner (default <host>-<pid>)
  --creds FILE     a NATS credentials file (never logged)
  --config FILE    agents: and/or test: as in config.yaml, used here instead of the attempt's
                   (for agent paths that differ on this host)
Environment: CCX_RUNNER_ACK_WAIT_MS (default ${DEFAULT_ACK_WAIT_MS}: how long a silent runner keeps an
attempt), CCX_RUNNER_HEARTBEAT_MS (default ${DEFAULT_HEARTBEAT_MS}).`,
  options: {
    nats: { type: 'string' },
    slots: { type: 'string' },
    labels: { type: 'string' },
    cache: { type: 'string' },
    name: { type: 'string' },
    creds: { type: 'string' },
    config: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const servers = (stringOption(values, 'nats') ?? '').split(',').map((url) => url.trim()).filter((url) => url !== '');
    if (servers.length === 0 || !servers.every((url) => /^(nats|tls|wss?):\/\/\S+$/.test(url))) throw new UsageError('ccx runner needs --nats with the NATS server URL, such as --nats nats://host:4222.');
    const slots = Number(stringOption(values, 'slots') ?? DEFAULT_SLOTS);
    if (!Number.isInteger(slots) || slots < 1 || slots > 64) throw new UsageError(`--slots must be a whole number from 1 to 64, but it is ${JSON.stringify(stringOption(values, 'slots'))}.`);
    const labels = (stringOption(values, 'labels') ?? '').split(',').map((label) => label.trim()).filter((label) => label !== '' && label !== ANY_LABEL);
    const badLabel = labels.find((label) => !/^[a-z0-9_-]{1,32}$/.test(label));
    if (badLabel !== undefined) throw new UsageError(`--labels takes kinds such as gpu,macos (lowercase letters, digits, - and _), but it has ${JSON.stringify(badLabel)}.`);
    const name = stringOption(values, 'name') ?? `${hostname().replace(/[^A-Za-z0-9_-]/g, '_')}-${process.pid}`;
    if (!NAME.test(name)) throw new UsageError(`--name must be letters, digits, - and _ (it names a NATS subject), but it is ${JSON.stringify(name)}.`);
    const creds = stringOption(values, 'creds') ?? null;
    const cache = stringOption(values, 'cache') ?? join(io.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'ccx', 'runner');
    const ackWaitMs = Number(io.env['CCX_RUNNER_ACK_WAIT_MS'] ?? DEFAULT_ACK_WAIT_MS);
    const heartbeatMs = Number(io.env['CCX_RUNNER_HEARTBEAT_MS'] ?? DEFAULT_HEARTBEAT_MS);
    if (!(ackWaitMs >= 1000) || !(heartbeatMs >= 100)) throw new UsageError('CCX_RUNNER_ACK_WAIT_MS must be at least 1000 and CCX_RUNNER_HEARTBEAT_MS at least 100.');
    const configFile = stringOption(values, 'config');
    const overrides = configFile === undefined ? {} : await loadRunnerOverrides(configFile);
    const log = (line: string) => io.stderr(`${new Date().toISOString()} ${line}\n`);
    const instance = new Runner({ nats: { servers, creds, tls: null }, name, slots, labels, cache, ackWaitMs, heartbeatMs, overrides, env: readEnv(io.env), log });
    await instance.start();
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    });
    log(`runner ${name} stopping: running attempts go back to the queue`);
    await instance.stop();
    return 0;
  },
};
