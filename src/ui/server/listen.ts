import { createServer, type RequestListener, type Server } from 'node:http';
import { CcxError, errnoCode } from '../../errors.js';

/** The loopback addresses the dashboard listens on; ::1 only where the host has it. */
const IPV4 = '127.0.0.1';
const IPV6 = '::1';

/**
 * One server per loopback address on the same port (port 0: the first picks a free one, the
 * second takes the same). A busy port is PORT_IN_USE with what to do; ::1 missing is skipped.
 */
export async function listenLoopback(port: number, handler: RequestListener): Promise<{ servers: Server[]; port: number }> {
  const first = await listenOn(createServer(handler), IPV4, port);
  const chosen = (first.address() as { port: number }).port;
  const servers = [first];
  try {
    servers.push(await listenOn(createServer(handler), IPV6, chosen));
  } catch (error) {
    const code = error instanceof CcxError ? 'EADDRINUSE' : errnoCode(error);
    // No IPv6 loopback on this host: 127.0.0.1 alone serves. A port taken on ::1 only is a real clash.
    if (code === 'EADDRINUSE' && port !== 0) {
      await closeAll(servers);
      throw portInUse(port, `[${IPV6}]`);
    }
  }
  return { servers, port: chosen };
}

function listenOn(server: Server, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => {
      server.close();
      reject(errnoCode(error) === 'EADDRINUSE' ? portInUse(port, host.includes(':') ? `[${host}]` : host) : error);
    };
    server.once('error', failed);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', failed);
      resolve(server);
    });
  });
}

export function closeAll(servers: readonly Server[]): Promise<void> {
  return Promise.all(servers.map((server) => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }))).then(() => undefined);
}

function portInUse(port: number, host: string): CcxError {
  return new CcxError('PORT_IN_USE', `port ${port} on ${host} is already in use (another \`ccx ui\`, or another program).`, {
    hint: `Open the dashboard that already runs there, stop that program, or pick another port: \`ccx ui --port ${port + 1}\` (or set CCX_UI_PORT).`,
  });
}
