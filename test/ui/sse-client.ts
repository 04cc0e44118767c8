import { request as httpRequest, type ClientRequest } from 'node:http';
import type { UiFixture } from './fixture.js';

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/** A connected /api/events client that collects events; `next(n)` waits for the n-th. */
export class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  closed = false;
  private waiters: Array<() => void> = [];
  private buffer = '';
  private req: ClientRequest | undefined;

  static async open(fixture: UiFixture, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    await new Promise<void>((resolve, reject) => {
      client.req = httpRequest({ host: '127.0.0.1', port: fixture.server.port, path, headers: { host: fixture.host, cookie: `ccx_ui_${fixture.server.port}=${fixture.server.token}`, ...headers } }, (res) => {
        client.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('close', () => {
          client.closed = true;
          client.wake();
        });
        resolve();
      });
      client.req.on('error', (error) => (client.status === 0 ? reject(error) : undefined));
      client.req.end();
    });
    return client;
  }

  /** Resolves once `count` events of type `event` arrived (or the stream closed). */
  async until(predicate: (events: SseEvent[]) => boolean): Promise<SseEvent[]> {
    while (!predicate(this.events) && !this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.events;
  }

  messages(): SseEvent[] {
    return this.events.filter((event) => event.event === 'message');
  }

  close(): void {
    this.req?.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf('\n\n'); end !== -1; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { id: null, event: 'message', data: '' };
      let comment = true;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        comment = false;
        const at = line.indexOf(':');
        const field = at === -1 ? line : line.slice(0, at);
        const value = at === -1 ? '' : line.slice(at + 1).replace(/^ /, '');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') event.data += value;
      }
      if (!comment && (event.data !== '' || event.event !== 'message')) this.events.push(event);
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
