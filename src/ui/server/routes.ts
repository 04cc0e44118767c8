import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendArtifact } from '../api/artifact.js';
import type { UiRepos } from '../api/repos.js';
import { applyRowAction, isRowAction } from '../api/row-actions.js';
import { uiState, type UiInfo } from '../api/state.js';
import { submitTask } from '../api/submit.js';
import { taskDetail } from '../api/task-detail.js';
import { streamEvents, type EventStreamOptions } from '../events/sse.js';
import { ApiError, notFound } from './api-error.js';
import { readJsonBody, sendJson } from './respond.js';
import { sendStatic } from './static.js';

export interface RouteContext {
  repos: UiRepos;
  info: UiInfo;
  maxQueueDepth: number;
  events: EventStreamOptions;
  pageDir?: string;
}

/** Answers one request that passed the gate (security.ts). */
export async function route(req: IncomingMessage, res: ServerResponse, url: URL, context: RouteContext): Promise<void> {
  const method = req.method ?? 'GET';
  const parts = segments(url.pathname);
  if (parts[0] !== 'api') {
    if (method !== 'GET' && method !== 'HEAD') throw notAllowed(method, url.pathname);
    return sendStatic(res, url.pathname, context.pageDir, method === 'HEAD');
  }
  const [, first, key, tasks, id, sub, n, files, name, ...rest] = parts;
  if (method === 'GET') {
    if (parts.length === 2 && first === 'state') return sendJson(res, 200, await uiState(context.repos, context.info));
    if (parts.length === 2 && first === 'events') return streamEvents(req, res, url, context.repos, context.events);
    if (first === 'repos' && key !== undefined && tasks === 'tasks' && id !== undefined) {
      if (parts.length === 5) return sendJson(res, 200, await taskDetail(await context.repos.get(key), id));
      if (sub === 'attempts' && n !== undefined && files === 'files' && name !== undefined && rest.length === 0) {
        return sendArtifact(res, await context.repos.get(key), id, n, name);
      }
    }
  }
  if (method === 'POST' && first === 'repos' && key !== undefined && tasks === 'tasks') {
    if (parts.length === 4) {
      const body = await readJsonBody(req);
      const repo = await context.repos.get(key);
      const answer = await submitTask(repo, body, context.maxQueueDepth, context.repos.dataRoot);
      return sendJson(res, answer.status, answer.body);
    }
    if (parts.length === 6 && id !== undefined && sub !== undefined && isRowAction(sub)) {
      const body = await readJsonBody(req);
      const expect = (body as { expect?: unknown }).expect;
      if (expect !== undefined && typeof expect !== 'string') throw new ApiError(422, 'BAD_EXPECT', '`expect` must be the row `version` the page showed (a string).');
      return sendJson(res, 200, await applyRowAction(await context.repos.get(key), id, sub, expect));
    }
  }
  if (method !== 'GET' && method !== 'POST') throw notAllowed(method, url.pathname);
  throw notFound(`no API endpoint ${method} ${url.pathname}; the README's Dashboard section lists them.`);
}

/** The path's segments, decoded; a segment that does not decode makes the whole path unknown. */
function segments(pathname: string): string[] {
  try {
    return pathname.split('/').filter((part) => part !== '').map((part) => decodeURIComponent(part));
  } catch {
    throw notFound(`no such path ${JSON.stringify(pathname)}.`);
  }
}

function notAllowed(method: string, path: string): ApiError {
  return new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} ${path} is not supported; the dashboard takes GET, and POST for the actions.`);
}
