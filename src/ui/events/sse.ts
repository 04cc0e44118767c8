import type { IncomingMessage, ServerResponse } from 'node:http';
import { watch, type FSWatcher } from 'node:fs';
// The audit folder's own files, not its index: the index also loads the writer (and pino), which a reader never needs.
import { followAuditLog } from '../../audit/follow.js';
import { isTaskId } from '../../board/parse/row-fields.js';
import { ApiError } from '../server/api-error.js';
import { SECURITY_HEADERS } from '../server/respond.js';
import type { UiRepos } from '../api/repos.js';
import { DEFAULT_HISTORY, MAX_HISTORY, catchUp, type LogSource, type SourcedEvent } from './catch-up.js';
import { formatCursor, parseCursor, type EventCursor } from './cursor.js';
import { watchStateFiles } from './state-watch.js';

/** A comment line this often keeps proxies and browsers from closing a quiet stream. */
export const PING_MS = 15_000;
/**
 * How often a stream's follower looks at its log when no change event came. Change events carry
 * the stream; this is only the safety net, kept long so an idle dashboard costs next to nothing.
 */
export const EVENTS_POLL_MS = 30_000;
/** A second look this long after the data root changed: `ccx init` makes the folder, then writes config.yaml in it. */
const NEW_REPO_SETTLE_MS = 300;
/** A client that lets more than this pile up unread is cut (it reconnects with Last-Event-ID). */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface EventStreamOptions {
  pingMs?: number;
  maxBufferedBytes?: number;
  /** How often a follower checks its log when no change event came. */
  pollMs?: number;
  /** Aborts when the server closes: every stream ends. */
  signal: AbortSignal;
}

/**
 * GET /api/events[?repo=<key>][&history=N][&task=T-n][&lastEventId=…]: the audit log as server-sent
 * events. Each audit line is one `message` event whose data is `{"key", "offset", "record"}` and
 * whose id is the cursor after it (see cursor.ts). A resume (Last-Event-ID header or lastEventId)
 * sends every line after the one it names; a new client the newest `history` lines; then a
 * `replayed` event (`{"count"}`), then lines as the daemon appends them. A log that was truncated
 * or replaced sends `reset` (`{"key", "reason"}`) and starts again from its first line. A change of
 * a repository's board or status sends `state` (`{"key"}`): time to GET /api/state again.
 */
export async function streamEvents(req: IncomingMessage, res: ServerResponse, url: URL, repos: UiRepos, options: EventStreamOptions): Promise<void> {
  const repoKey = url.searchParams.get('repo');
  const keys = repoKey === null ? await repos.keys() : [repoKey];
  const sources: Array<LogSource & { dir: string }> = await Promise.all(keys.map(async (key) => {
    const { paths } = await repos.get(key);
    return { key, audit: paths.audit, dir: paths.stateDir };
  }));
  const history = historyOf(url.searchParams.get('history'));
  const task = url.searchParams.get('task') ?? undefined;
  if (task !== undefined && !isTaskId(task)) throw new ApiError(400, 'BAD_QUERY', `task=${JSON.stringify(task)} is not a task id such as T-7.`);
  const lastEventId = headerValue(req.headers['last-event-id']) ?? url.searchParams.get('lastEventId');
  const cursor = lastEventId === null ? null : parseCursor(lastEventId, repoKey);
  if (lastEventId !== null && cursor === null) {
    throw new ApiError(400, 'BAD_EVENT_ID', `Last-Event-ID ${JSON.stringify(lastEventId)} is not an id of this stream (${repoKey === null ? '`key@offset,…`' : 'a byte offset'}); reconnect without it to get the recent history.`);
  }
  const caught = await catchUp(sources, cursor, cursor === null ? history : MAX_HISTORY, task);
  const position: EventCursor = new Map([...(cursor ?? new Map<string, number>()), ...caught.skipped]);
  const maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const closed = new AbortController();
  const stop = () => closed.abort();
  const write = (text: string) => {
    if (closed.signal.aborted) return;
    res.write(text);
    if (res.writableLength > maxBuffered) {
      res.destroy();
      stop();
    }
  };
  const frame = (event: SourcedEvent) => {
    position.set(event.key, event.offset);
    // The record's own line, spliced in as written (it parsed as JSON); one with a CR inside (a hand edit) is serialised again, as SSE would split it there.
    const record = event.text.includes('\r') ? JSON.stringify(event.record) : event.text;
    return `id: ${formatCursor(position, repoKey)}\ndata: {"key":${JSON.stringify(event.key)},"offset":${event.offset},"record":${record}}\n\n`;
  };
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  req.on('close', stop);
  res.on('close', stop);
  options.signal.addEventListener('abort', stop, { once: true });
  // A client that left while its history was read has already closed: nothing would stop its followers.
  if (req.socket.destroyed || res.destroyed || options.signal.aborted) stop();
  // One write for the whole replay: 10,000 events cost one syscall, not 10,000.
  write(`retry: 2000\n\n${caught.events.map(frame).join('')}event: replayed\ndata: ${JSON.stringify({ count: caught.events.length })}\n\n`);
  const ping = setInterval(() => write(': ping\n\n'), options.pingMs ?? PING_MS);
  const following = new Map<string, Promise<unknown>>();
  const unwatchers: Array<() => void> = [];
  let failure: unknown;
  const follow = (source: LogSource & { dir: string }, fromOffset: number) => {
    // A repository found as the stream closed: its watcher would outlive the cleanup.
    if (closed.signal.aborted) return;
    unwatchers.push(watchStateFiles([source], (key) => write(`event: state\ndata: ${JSON.stringify({ key })}\n\n`)));
    following.set(source.key, followAuditLog(source.audit, {
      fromOffset,
      signal: closed.signal,
      ...(task === undefined ? {} : { task }),
      pollMs: options.pollMs ?? EVENTS_POLL_MS,
      onRecord: (record, place) => write(frame({ key: source.key, offset: place.offset, record, text: place.text.trim() })),
      onReset: (reason) => {
        position.delete(source.key);
        write(`event: reset\ndata: ${JSON.stringify({ key: source.key, reason })}\n\n`);
      },
    }).catch((error: unknown) => {
      failure ??= error;
      stop();
    }));
  };
  for (const source of sources) follow(source, caught.ends.get(source.key) ?? 0);
  // The stream of every repository also takes in one set up after it connected (`ccx init` elsewhere), from its first line.
  if (repoKey === null) {
    unwatchers.push(watchNewRepositories(repos, new Set(keys), closed.signal, options.pollMs ?? EVENTS_POLL_MS, async (key) => {
      const { paths } = await repos.get(key);
      follow({ key, audit: paths.audit, dir: paths.stateDir }, 0);
      write(`event: state\ndata: ${JSON.stringify({ key })}\n\n`);
    }));
  }
  try {
    await new Promise<void>((resolve) => {
      if (closed.signal.aborted) resolve();
      else closed.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.all(following.values());
    if (failure !== undefined) throw failure;
  } finally {
    stop();
    clearInterval(ping);
    for (const unwatch of unwatchers) unwatch();
    options.signal.removeEventListener('abort', stop);
    res.end();
  }
}

/**
 * Calls `onNew(key)` for each repository that appears under the data root: looked for when the
 * data root changes (again a moment later, as `ccx init` writes config.yaml after the folder) and,
 * as a safety net, every `pollMs`.
 */
function watchNewRepositories(repos: UiRepos, known: Set<string>, signal: AbortSignal, pollMs: number, onNew: (key: string) => Promise<void>): () => void {
  let looking = Promise.resolve();
  const look = () => {
    looking = looking.then(async () => {
      if (signal.aborted) return;
      for (const key of await repos.keys()) {
        if (known.has(key) || signal.aborted) continue;
        known.add(key);
        await onNew(key).catch(() => known.delete(key));
      }
    });
  };
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      look();
    }, ms);
    timers.add(timer);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(repos.dataRoot, { persistent: false }, () => {
      look();
      later(NEW_REPO_SETTLE_MS);
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // No data root to watch yet: the poll finds what appears.
  }
  const poll = setInterval(look, pollMs);
  return () => {
    watcher?.close();
    clearInterval(poll);
    for (const timer of timers) clearTimeout(timer);
  };
}

function historyOf(text: string | null): number {
  if (text === null) return DEFAULT_HISTORY;
  if (!/^[0-9]{1,6}$/.test(text) || Number(text) > MAX_HISTORY) throw new ApiError(400, 'BAD_QUERY', `history=${JSON.stringify(text)} must be a whole number from 0 to ${MAX_HISTORY}.`);
  return Number(text);
}

function headerValue(value: string | string[] | undefined): string | null {
  return typeof value === 'string' ? value : null;
}
