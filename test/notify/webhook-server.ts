import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface WebhookServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  requests: ReceivedRequest[];
  /** When each request arrived (Date.now()). */
  arrivals: number[];
  /** Resolves once `count` requests arrived. */
  received(count: number): Promise<ReceivedRequest[]>;
}

/**
 * A webhook receiver on 127.0.0.1 (a free port), closed after the test. `answer` decides each
 * response: a status (and headers), or 'hang' to never answer.
 */
export async function webhookServer(answer: (request: ReceivedRequest, index: number) => { status: number; headers?: Record<string, string> } | 'hang' = () => ({ status: 200 })): Promise<WebhookServer> {
  const requests: ReceivedRequest[] = [];
  const arrivals: number[] = [];
  const waiters: Array<{ count: number; resolve: (requests: ReceivedRequest[]) => void }> = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((request, response) => {
    arrivals.push(Date.now());
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const received = { path: request.url ?? '', headers: request.headers, body };
      requests.push(received);
      for (const waiter of waiters.filter((item) => requests.length >= item.count)) waiter.resolve(requests.slice());
      const decision = answer(received, requests.length - 1);
      if (decision === 'hang') {
        hanging.push(response);
        return;
      }
      response.writeHead(decision.status, decision.headers).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const response of hanging) response.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    arrivals,
    received: (count) => (requests.length >= count ? Promise.resolve(requests.slice()) : new Promise((resolve) => waiters.push({ count, resolve }))),
  };
}
