import { readFile } from 'node:fs/promises';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { CcxError } from '../../errors.js';
import type { NatsSettings } from '../config.js';

/** Opens a NATS connection that reconnects forever (a server restart is an outage, not an end). Credentials and TLS files are handed to the client, never logged. */
export async function connectNats(settings: NatsSettings, name: string): Promise<NatsConnection> {
  let authenticator;
  if (settings.creds !== null) {
    try {
      authenticator = credsAuthenticator(await readFile(settings.creds));
    } catch (error) {
      throw new CcxError('RUNNERS_UNREACHABLE', `the NATS credentials file ${settings.creds} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, {
        hint: 'Check runners.nats.creds in config.yaml (or --creds): it must be a readable .creds file.',
      });
    }
  }
  const tls = settings.tls === null ? undefined : { ...(settings.tls.ca === undefined ? {} : { caFile: settings.tls.ca }), ...(settings.tls.cert === undefined ? {} : { certFile: settings.tls.cert }), ...(settings.tls.key === undefined ? {} : { keyFile: settings.tls.key }) };
  try {
    return await connect({
      servers: settings.servers,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 5_000,
      ...(authenticator === undefined ? {} : { authenticator }),
      ...(tls === undefined ? {} : { tls }),
    });
  } catch (error) {
    throw new CcxError('RUNNERS_UNREACHABLE', `no NATS server answered at ${settings.servers.join(', ')} (${error instanceof Error ? error.message : String(error)}).`, {
      hint: 'Start nats-server with JetStream (nats-server -js), or fix runners.nats.servers in config.yaml / --nats.',
    });
  }
}
