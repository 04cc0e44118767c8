import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { UiRepos } from '../api/repos.js';
import type { EventStreamOptions } from '../events/sse.js';
import { ApiError } from './api-error.js';
import { closeAll, listenLoopback } from './listen.js';
import { SECURITY_HEADERS, sendError } from './respond.js';
import { route } from './routes.js';
import { UiGate } from './security.js';

export interface UiServerOptions {
  dataRoot: string;
  /** 0 picks a free port (tests). */
  port: number;
  maxQueueDepth: number;
  /** Overrides for the event stream (tests and benchmarks poll faster or ping sooner). */
  events?: Omit<EventStreamOptions, 'signal'>;
  pageDir?: string;
}

export interface UiServer {
  port: number;
  token: string;
  /** The address to open: it carries the token once, which the page trades for a cookie. */
  url: string;
  close(): Promise<void>;
}

/** `ccx ui`'s server: loopback only, every request through the gate, then the routes. It schedules and merges nothing. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const repos = new UiRepos(options.dataRoot);
  const closing = new AbortController();
  const version = await packageVersion();
  let gate: UiGate | null = null;
  const context = {
    repos,
    info: { version, port: 0 },
    maxQueueDepth: options.maxQueueDepth,
    events: { ...options.events, signal: closing.signal },
    ...(options.pageDir === undefined ? {} : { pageDir: options.pageDir }),
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (gate === null) {
      res.destroy();
      return;
    }
    handle(gate, req, res, context).catch((error: unknown) => {
      sendError(res, error instanceof ApiError ? error : new ApiError(500, 'INTERNAL', `the dashboard failed on this request: ${error instanceof Error ? error.message : String(error)}`));
    });
  };
  const { servers, port } = await listenLoopback(options.port, handler);
  gate = new UiGate(port);
  context.info.port = port;
  return {
    port,
    token: gate.token,
    url: `http://127.0.0.1:${port}/?token=${gate.token}`,
    close: async () => {
      closing.abort();
      await closeAll(servers);
    },
  };
}

async function handle(gate: UiGate, req: IncomingMessage, res: ServerResponse, context: Parameters<typeof route>[3]): Promise<void> {
  gate.checkHost(req);
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const offered = gate.queryToken(url);
  if (offered !== null) {
    if (!gate.matches(offered)) throw new ApiError(401, 'UNAUTHORIZED', 'this token is not the one `ccx ui` printed (a restarted `ccx ui` prints a new one).');
    // Traded for the cookie, and dropped from the address bar (and from history and Referer).
    url.searchParams.delete('token');
    res.writeHead(303, { ...SECURITY_HEADERS, 'Set-Cookie': gate.cookieHeader(), Location: `${url.pathname}${url.search}` });
    res.end();
    return;
  }
  gate.checkToken(req);
  if (req.method !== 'GET' && req.method !== 'HEAD') gate.checkOrigin(req);
  await route(req, res, url, context);
}

async function packageVersion(): Promise<string> {
  try {
    return (JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'dev';
  }
}
