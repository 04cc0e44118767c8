import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';

/** Request bodies past this are refused with 413 (a submission's brief is at most 256 KiB). */
export const MAX_BODY_BYTES = 512 * 1024;

/** Sent with every answer: no inline script, no framing, no content sniffing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = `${JSON.stringify(value)}\n`;
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** `{"error": {"code", "message", ...}}`, the one error shape of the API. */
export function sendError(res: ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, { error: { code: error.code, message: error.message, ...error.extra } });
}

/** The request's JSON body: 415 when it is not JSON, 413 past MAX_BODY_BYTES, 400 when it does not parse. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  if (size === 0) return {};
  if (type !== 'application/json') throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `the body is ${type === '' ? 'untyped' : type}; send JSON with Content-Type: application/json.`);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw new ApiError(400, 'BAD_JSON', `the body is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
}

function tooLarge(): ApiError {
  return new ApiError(413, 'BODY_TOO_LARGE', `the request body is over ${MAX_BODY_BYTES / 1024} KiB; a submission's body (the brief) is at most 256 KiB.`);
}
