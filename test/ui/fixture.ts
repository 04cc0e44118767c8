import { request as httpRequest } from 'node:http';
import { basename } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { startUiServer, type UiServer, type UiServerOptions } from '../../src/ui/index.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir } from '../helpers/gitdir.js';

export interface UiFixture {
  repo: string;
  stateDir: string;
  key: string;
  env: NodeJS.ProcessEnv & { CCX_DATA_HOME: string };
  server: UiServer;
  /** Host and Origin as a browser on this server sends them. */
  host: string;
}

/** An initialised repository under a fresh data root, `ccx add`-ed rows, and a dashboard on a free port; all gone after the test. */
export async function uiFixture(options: { rows?: Array<{ title: string; draft?: boolean }>; maxQueueDepth?: number; events?: UiServerOptions['events'] } = {}): Promise<UiFixture> {
  const env = await isolatedEnv();
  const repo = await gitdir();
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  const stateDir = init.stdout.trim();
  for (const row of options.rows ?? []) {
    const added = await runCli(['add', row.title, ...(row.draft === true ? ['--draft'] : [])], { cwd: repo, env });
    expect(added.exitCode, added.stderr).toBe(0);
  }
  const server = await startUiServer({ dataRoot: env.CCX_DATA_HOME, port: 0, maxQueueDepth: options.maxQueueDepth ?? 5, events: { pollMs: 50, ...options.events } });
  onTestFinished(() => server.close());
  return { repo, stateDir, key: basename(stateDir), env, server, host: `127.0.0.1:${server.port}` };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One HTTP request with full control of Host, Origin and cookies; by default it carries the token and a matching Origin. */
export function call(fixture: UiFixture, method: string, path: string, options: { headers?: Record<string, string>; body?: unknown; auth?: boolean; raw?: string } = {}): Promise<Answer> {
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = {
    host: fixture.host,
    ...(options.auth === false ? {} : { cookie: `ccx_ui_${fixture.server.port}=${fixture.server.token}` }),
    ...(method === 'GET' ? {} : { origin: `http://${fixture.host}` }),
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: fixture.server.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
