import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeAnthropic } from './anthropic.js';
import { writeOpenAi } from './openai.js';
import { FALLBACK_STEP, selectAnthropic, selectOpenAi } from './script.js';
import type { MockStep, Selection } from './script.js';

export type { MockStep } from './script.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | undefined;
  marker: string | undefined;
  step: number;
}

export interface MockModel {
  /** For ANTHROPIC_BASE_URL. */
  url: string;
  /** For codex's base_url (it posts to {base_url}/responses). */
  openAiUrl: string;
  /** Plays `steps` to prompts that contain `marker`. */
  script(marker: string, steps: MockStep[]): void;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A dependency-free model server on 127.0.0.1 (random port) that speaks enough of Anthropic
 * Messages SSE (POST /v1/messages) and OpenAI Responses SSE (POST /v1/responses) for the real
 * claude and codex CLIs, playing scripted answers. Nothing else is served.
 */
export async function startMockModel(): Promise<MockModel> {
  const scripts = new Map<string, MockStep[]>();
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    void handle(request, response).catch(() => response.destroy());
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const body = parseBody(raw);
    const kind = request.method === 'POST' && path.endsWith('/messages') ? 'anthropic' : request.method === 'POST' && path.endsWith('/responses') ? 'openai' : undefined;
    const markers = [...scripts.keys()];
    const selection: Selection = body === undefined || kind === undefined ? { marker: undefined, step: 0 } : kind === 'anthropic' ? selectAnthropic(body, markers) : selectOpenAi(body, markers);
    requests.push({ method: request.method ?? '', path, headers: request.headers, body, ...selection });
    if (kind === undefined) {
      response.writeHead(request.method === 'HEAD' || path === '/' ? 200 : 404).end();
      return;
    }
    const steps = selection.marker === undefined ? [] : (scripts.get(selection.marker) ?? []);
    const step = steps[selection.step] ?? FALLBACK_STEP;
    if ('hang' in step) return; // the socket stays open until close()
    if ('http' in step) {
      response.writeHead(step.http.status, { 'content-type': 'application/json', ...step.http.headers });
      response.end(step.http.body === undefined ? '' : JSON.stringify(step.http.body));
      return;
    }
    if (kind === 'anthropic') writeAnthropic(response, step, body ?? {}, requests.length);
    else writeOpenAi(response, step, requests.length);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openAiUrl: `${url}/v1`,
    script: (marker, steps) => void scripts.set(marker, steps),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseBody(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
