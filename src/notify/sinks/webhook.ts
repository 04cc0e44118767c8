import { webhookBody } from '../format.js';
import type { Message, SendResult, SinkConfig } from '../types.js';

type WebhookSink = Extract<SinkConfig, { type: 'webhook' }>;

/** Largest Retry-After ccx honours; a sink asking for longer is retried after this. */
export const MAX_RETRY_AFTER_MS = 30_000;

/** One POST of `message` to the sink. The URL and headers (secrets) appear in no result. */
export async function sendWebhook(sink: WebhookSink, message: Message, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<SendResult> {
  const body = webhookBody(message, sink.format);
  const headers: Record<string, string> = { 'content-type': body.contentType, 'user-agent': 'ccx', ...body.headers };
  for (const [name, value] of Object.entries(sink.headers)) headers[name] = expandEnv(value, env);
  let response: Response;
  try {
    response = await fetch(expandEnv(sink.url, env), { method: 'POST', headers, body: body.body, signal, redirect: 'error' });
  } catch (error) {
    if (signal.aborted) return { ok: false, reason: 'timed out', retry: true };
    return { ok: false, reason: networkReason(error), retry: true };
  }
  // The body is not needed, but reading it lets the connection be reused (and never leaks it).
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return { ok: true };
  const retry = response.status === 408 || response.status === 429 || response.status >= 500;
  const retryAfterMs = retryAfter(response.headers.get('retry-after'));
  return { ok: false, reason: `HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`, retry, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** `${NAME}` parts from the daemon's environment: tokens need not be written into config.yaml. */
export function expandEnv(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? '');
}

/** Scheme and host of the webhook, the only part of its address ccx ever writes down. */
export function webhookTarget(url: string, env: NodeJS.ProcessEnv): string {
  try {
    const parsed = new URL(expandEnv(url, env));
    return `${parsed.protocol}//${parsed.hostname}${parsed.port === '' ? '' : `:${parsed.port}`}`;
  } catch {
    return 'an invalid address';
  }
}

/** Retry-After as seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header.trim());
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

/** The error code (ECONNREFUSED, ENOTFOUND, …): never the message, which may quote the address. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code === undefined ? 'the request failed (network)' : `the request failed (${code})`;
}
