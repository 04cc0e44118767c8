import { createServer, connect, type Server, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';
import { freePort } from './harness.js';

export interface Relay {
  port: number;
  /** Drops every connection and refuses new ones until `resume()`. */
  cut(): void;
  resume(): void;
}

/**
 * A TCP relay on 127.0.0.1 between the browser and `ccx ui`, which a test can cut. The server
 * checks that `Host` (and `Origin`) name its own port, so the relay writes the server's port into
 * the requests it forwards in place of its own (as a reverse proxy would).
 */
export async function startRelay(targetPort: number): Promise<Relay> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let refusing = false;
  const ours = Buffer.from(`127.0.0.1:${port}`);
  const theirs = Buffer.from(`127.0.0.1:${targetPort}`);
  const server: Server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => upstream.write(replaceAll(chunk, ours, theirs)));
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    port,
    cut() {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    resume() {
      refusing = false;
    },
  };
}

function replaceAll(chunk: Buffer, from: Buffer, to: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  for (let at = chunk.indexOf(from); at !== -1; at = chunk.indexOf(from, start)) {
    parts.push(chunk.subarray(start, at), to);
    start = at + from.length;
  }
  if (start === 0) return chunk;
  parts.push(chunk.subarray(start));
  return Buffer.concat(parts);
}
