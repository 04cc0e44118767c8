import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { CLI_PATH } from '../helpers/cli.js';
import { processesOf, type World } from '../helpers/daemon.js';
import { makeTempDir, removeDir } from '../helpers/testdir.js';
import { runGit } from '../helpers/gitdir.js';

export const NATS_SERVER = process.env['CCX_NATS_SERVER'] ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');

export interface NatsServer {
  url: string;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and storage. */
  restart(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** nats-server with JetStream on 127.0.0.1, file storage in a temp folder; stopped and removed after the test. */
export async function startNats(): Promise<NatsServer> {
  const dir = await makeTempDir('ccx-nats-');
  const port = await freePort();
  let child: ChildProcess | null = null;
  const launch = async () => {
    child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (await reachable(port)) return;
      if (Date.now() > deadline) throw new Error(`nats-server did not listen on 127.0.0.1:${port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const kill = async () => {
    const current = child;
    if (current === null || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await exited;
  };
  await launch();
  onTestFinished(async () => {
    await kill();
    await removeDir(dir);
  });
  return { url: `nats://127.0.0.1:${port}`, kill, restart: launch };
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A bare repository as the shared remote and `runners:` in config.yaml.
 */
export async function withRunners(target: World, nats: NatsServer, extra: string[] = []): Promise<string> {
  const remote = join(await makeTempDir('ccx-remote-'), 'remote.git');
  onTestFinished(() => removeDir(join(remote, '..')));
  await runGit(target.repo, ['clone', '--quiet', '--bare', target.repo, remote]);
  // Named by path, not as a remote of the checkout: adding a remote would change the repository's key.
  await appendFile(target.paths.config, ['runners:', `  nats: {servers: [${JSON.stringify(nats.url)}]}`, `  remote: ${JSON.stringify(remote)}`, '  local_slots: 0', ...extra, ''].join('\n'));
  return remote;
}

export interface RunnerProcess {
  child: ChildProcess;
  name: string;
  cache: string;
  output(): string;
  exited(): Promise<number | null>;
}

/** A `ccx runner` process with its own cache folder (another "host"); killed with its agents after the test. */
export async function startRunner(target: World, nats: NatsServer, name: string, options: { slots?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunnerProcess> {
  const cache = await makeTempDir(`ccx-runner-${name}-`);
  const child = spawn(process.execPath, [CLI_PATH, 'runner', '--nats', nats.url, '--name', name, '--slots', String(options.slots ?? 2), '--cache', cache], {
    cwd: cache,
    env: { ...process.env, ...target.env, CCX_RUNNER_ACK_WAIT_MS: '3000', CCX_RUNNER_HEARTBEAT_MS: '500', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exit;
    for (const pid of await processesOf(join(cache, target.paths.stateDir.split('/').at(-1) ?? ''))) killQuietly(pid);
    for (const pid of await agentsUnder(cache)) killQuietly(pid);
    await removeDir(cache);
  });
  return { child, name, cache, output: () => output, exited: () => exit };
}

/** Agent processes of a runner: their CCX_STATE_DIR lies under its cache. */
export async function agentsUnder(cache: string): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z /.test(stat)) continue;
      if ((await readFile(`/proc/${entry}/environ`, 'utf8')).includes(`CCX_STATE_DIR=${cache}`)) found.push(Number(entry));
    } catch {
      // Gone, or not ours.
    }
  }
  return found;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
}
