import { isMap, isScalar, type Document, type Node, type YAMLMap } from 'yaml';

/** The git remote runners fetch from and push to, when config.yaml names none. */
export const DEFAULT_RUNNER_REMOTE = 'origin';
/** The label of an attempt no runner kind is asked for. */
export const ANY_LABEL = 'any';
const RUNNERS_KEYS = ['nats', 'remote', 'local_slots', 'labels'] as const;
const NATS_KEYS = ['servers', 'creds', 'tls'] as const;
const TLS_KEYS = ['ca', 'cert', 'key'] as const;
const LABEL = /^[a-z0-9_-]{1,32}$/;

export interface NatsSettings {
  servers: string[];
  /** A NATS credentials file (read by the client, never logged); null: none. */
  creds: string | null;
  /** PEM files; null: plain TCP (or TLS the server demands with system roots). */
  tls: { ca?: string; cert?: string; key?: string } | null;
}

/** `runners:` in config.yaml (SPEC 16), checked and with defaults applied. */
export interface RunnersConfig {
  nats: NatsSettings;
  remote: string;
  /** Attempts this daemon still runs itself, beside the runners. */
  localSlots: number;
  /** The runner kind this repository's attempts ask for (the first label); empty: any runner. */
  labels: string[];
}

type Fail = (node: Node | null | undefined, message: string) => void;

/** Reads `runners:`; every problem is reported through `fail` at its node (so config.yaml shows line:column). */
export function readRunners(node: Node | null | undefined, keyOrRoot: Node, doc: Document, fail: Fail): RunnersConfig | null {
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) return null;
  if (!isMap(node)) {
    fail(node, 'runners must be a mapping such as {nats: {servers: ["nats://host:4222"]}, remote: origin, local_slots: 0}.');
    return null;
  }
  unknown(node, RUNNERS_KEYS, 'runners', fail);
  const natsNode = child(node, 'nats');
  let nats: NatsSettings = { servers: [], creds: null, tls: null };
  if (natsNode === undefined || natsNode === null || !isMap(natsNode)) {
    fail(natsNode ?? keyOrRoot, 'runners.nats must be a mapping with servers, such as {servers: ["nats://host:4222"]}.');
  } else {
    unknown(natsNode, NATS_KEYS, 'runners.nats', fail);
    nats = readNats(natsNode, doc, fail);
  }
  const remoteNode = child(node, 'remote');
  const remote = remoteNode?.toJS(doc) as unknown ?? DEFAULT_RUNNER_REMOTE;
  if (typeof remote !== 'string' || !/^[A-Za-z0-9._/@:+~-]+$/.test(remote)) fail(remoteNode ?? node, `runners.remote must name a git remote of the repository (such as origin) or be a remote URL, but it is ${JSON.stringify(remote)}.`);
  const slotsNode = child(node, 'local_slots');
  const slots = slotsNode?.toJS(doc) as unknown ?? 0;
  if (typeof slots !== 'number' || !Number.isInteger(slots) || slots < 0 || slots > 64) fail(slotsNode ?? node, `runners.local_slots must be a whole number from 0 to 64, but it is ${JSON.stringify(slots)}.`);
  const labelsNode = child(node, 'labels');
  const labels = labelsNode?.toJS(doc) as unknown ?? [];
  if (!Array.isArray(labels) || !labels.every((label) => typeof label === 'string' && LABEL.test(label))) {
    fail(labelsNode ?? node, `runners.labels must be a list of runner kinds such as [gpu, macos] (lowercase letters, digits, - and _), but it is ${JSON.stringify(labels)}.`);
  }
  return { nats, remote: typeof remote === 'string' ? remote : DEFAULT_RUNNER_REMOTE, localSlots: typeof slots === 'number' ? slots : 0, labels: Array.isArray(labels) ? (labels as string[]) : [] };
}

function readNats(node: YAMLMap, doc: Document, fail: Fail): NatsSettings {
  const serversNode = child(node, 'servers');
  const servers = serversNode?.toJS(doc) as unknown;
  const list = typeof servers === 'string' ? [servers] : servers;
  if (!Array.isArray(list) || list.length === 0 || !list.every((url) => typeof url === 'string' && /^(nats|tls|wss?):\/\/\S+$/.test(url))) {
    fail(serversNode ?? node, `runners.nats.servers must list NATS URLs such as ["nats://host:4222"], but it is ${JSON.stringify(servers ?? null)}.`);
  }
  const credsNode = child(node, 'creds');
  const creds = credsNode?.toJS(doc) as unknown ?? null;
  if (creds !== null && (typeof creds !== 'string' || !creds.startsWith('/'))) fail(credsNode, 'runners.nats.creds must be the absolute path of a NATS credentials file.');
  const tlsNode = child(node, 'tls');
  let tls: NatsSettings['tls'] = null;
  if (tlsNode !== undefined && tlsNode !== null) {
    if (!isMap(tlsNode)) fail(tlsNode, 'runners.nats.tls must be a mapping such as {ca: /abs/ca.pem, cert: /abs/cert.pem, key: /abs/key.pem}.');
    else {
      unknown(tlsNode, TLS_KEYS, 'runners.nats.tls', fail);
      tls = {};
      for (const key of TLS_KEYS) {
        const fileNode = child(tlsNode, key);
        const file = fileNode?.toJS(doc) as unknown;
        if (file === undefined) continue;
        if (typeof file !== 'string' || !file.startsWith('/')) fail(fileNode, `runners.nats.tls.${key} must be the absolute path of a PEM file.`);
        else tls[key] = file;
      }
    }
  }
  return { servers: Array.isArray(list) ? (list as string[]) : [], creds: typeof creds === 'string' ? creds : null, tls };
}

function child(map: YAMLMap, key: string): Node | null | undefined {
  return map.items.find((item) => isScalar(item.key) && String(item.key.value) === key)?.value as Node | null | undefined;
}

function unknown(map: YAMLMap, allowed: readonly string[], where: string, fail: Fail): void {
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!allowed.includes(key)) fail(pair.key as Node, `${where}.${key} is not a setting of ${where} (it takes: ${allowed.join(', ')}).`);
  }
}
