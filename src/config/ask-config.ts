import { isMap, isScalar, type Document, type Node } from 'yaml';
import { parseDuration } from '../ask/duration.js';
import { DEFAULT_ASK_CONFIG, type AnswererChoice, type AskConfig } from '../ask/types.js';
import { didYouMean } from '../text/did-you-mean.js';
import { AGENT_TYPES, unknownKeys, valueNode, type Fail } from './config-file.js';

const ASK_KEYS = ['auto_confidence', 'wait', 'timeout', 'answerer'] as const;
const ANSWERER_NAMES = ['reviewer', 'implementer', 'none'] as const;

/** `ask: {auto_confidence: 0.8, wait: 10m, timeout: 24h, answerer: reviewer}` (SPEC 15). */
export function readAskConfig(node: Node | null | undefined, keyOrRoot: Node, doc: Document, fail: Fail): AskConfig {
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) return DEFAULT_ASK_CONFIG;
  if (!isMap(node)) {
    fail(node.range === undefined ? keyOrRoot : node, 'ask must be a mapping such as {auto_confidence: 0.8, wait: 10m, timeout: 24h}.');
    return DEFAULT_ASK_CONFIG;
  }
  unknownKeys(node, ASK_KEYS, 'ask', 'an ask setting', fail);
  const entry = (key: string) => ({ node: valueNode(node, key), value: valueNode(node, key)?.toJS(doc) as unknown });
  const config = { ...DEFAULT_ASK_CONFIG };
  const confidence = entry('auto_confidence');
  if (confidence.value !== undefined) {
    if (typeof confidence.value !== 'number' || confidence.value < 0 || confidence.value > 1) fail(confidence.node, `ask.auto_confidence must be a number from 0 to 1 (1 sends every question to you), but it is ${JSON.stringify(confidence.value)}.`);
    else config.autoConfidence = confidence.value;
  }
  for (const [key, field] of [['wait', 'waitMs'], ['timeout', 'timeoutMs']] as const) {
    const { node: valueAt, value } = entry(key);
    if (value === undefined) continue;
    const ms = parseDuration(value);
    if (ms === null || ms <= 0) fail(valueAt, `ask.${key} must be a duration such as 90s, 10m or 24h, but it is ${JSON.stringify(value)}.`);
    else config[field] = ms;
  }
  const answerer = entry('answerer');
  if (answerer.value !== undefined) config.answerer = readAnswerer(answerer.value, answerer.node ?? node, fail);
  return config;
}

function readAnswerer(value: unknown, node: Node, fail: Fail): AnswererChoice {
  if (typeof value === 'string') {
    if (value === 'none') return { kind: 'none' };
    if (value === 'reviewer' || value === 'implementer') return { kind: 'role', role: value };
    const guess = didYouMean(value, ANSWERER_NAMES);
    fail(node, `ask.answerer must be reviewer, implementer, none or an agent such as {type: command, argv: [...]}, but it is ${JSON.stringify(value)}${guess === null ? '' : `; did you mean ${guess}?`}`);
    return DEFAULT_ASK_CONFIG.answerer;
  }
  const agent = value as { type?: unknown; argv?: unknown } | null;
  if (typeof agent === 'object' && agent !== null && (AGENT_TYPES as readonly unknown[]).includes(agent.type)) {
    if (agent.type === 'command') {
      if (Array.isArray(agent.argv) && agent.argv.length > 0 && agent.argv.every((part) => typeof part === 'string' && part !== '')) return { kind: 'agent', agent: { type: 'command', argv: agent.argv as string[] } };
      fail(node, `ask.answerer.argv must be a list like [node, /abs/path/answerer.mjs], but it is ${JSON.stringify(agent.argv ?? null)}.`);
      return DEFAULT_ASK_CONFIG.answerer;
    }
    return { kind: 'agent', agent: { type: agent.type as 'claude' | 'codex' } };
  }
  fail(node, `ask.answerer must be reviewer, implementer, none or an agent such as {type: codex}, but it is ${JSON.stringify(value)}.`);
  return DEFAULT_ASK_CONFIG.answerer;
}
