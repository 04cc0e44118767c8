import { readFile } from 'node:fs/promises';
import type { Node, YAMLMap } from 'yaml';
import { yamlModule } from '../../text/yaml-module.js';
import { didYouMean } from '../../text/did-you-mean.js';
import { parseJson } from '../../text/json-error.js';
import { CcxError, errnoCode } from '../../errors.js';
import { LineIndex } from '../../text/line-index.js';
import { BUILT_IN_LADDER, CLAUDE_EFFORTS, CODEX_EFFORTS } from './built-in.js';
import type { Ladder, LadderRung } from '../types.js';

export interface LadderProblem {
  line: number;
  column: number;
  message: string;
}
type Problem = LadderProblem;

/** The ladder in force, or what is wrong with model-ladder.json (each problem with its line:column). */
export type LadderReading = { ladder: Ladder } | { path: string; problems: LadderProblem[] };

/**
 * STATE_DIR/model-ladder.json when it exists, else the built-in ladder. A file that does not
 * parse or does not describe a ladder throws LADDER_INVALID naming every problem with its
 * line:column and field.
 */
export async function loadLadder(path: string): Promise<Ladder> {
  const parsed = await readLadder(path);
  if ('ladder' in parsed) return parsed.ladder;
  if (parsed.problems.length === 1 && parsed.problems[0]?.line === 0) {
    throw new CcxError('LADDER_INVALID', `${path} ${parsed.problems[0].message}.`, { hint: 'Make it a readable file, or remove it to use the built-in ladder.' });
  }
  const lines = parsed.problems.map((problem) => `${path}:${problem.line}:${problem.column}: ${problem.message}`);
  throw new CcxError('LADDER_INVALID', `model-ladder.json has ${parsed.problems.length === 1 ? 'a problem' : `${parsed.problems.length} problems`}:\n${lines.join('\n')}`, {
    hint: 'Fix the file (example: {"default_start": "default", "tiers": [{"alias": "default", "claude": {"model": "sonnet", "effort": "high"}, "codex": {"model": "gpt-5.5"}}]}), or remove it to use the built-in ladder.',
  });
}

/** loadLadder's reading without the throw, for commands that report a bad ladder as a board problem. */
export async function readLadder(path: string): Promise<LadderReading> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { ladder: BUILT_IN_LADDER };
    return { path, problems: [{ line: 0, column: 0, message: `cannot be read (${errnoCode(error) ?? String(error)})` }] };
  }
  const parsed = parseLadder(text);
  return 'ladder' in parsed ? parsed : { path, problems: parsed.problems };
}

export function parseLadder(text: string): { ladder: Ladder } | { problems: Problem[] } {
  const lines = new LineIndex(text);
  const at = (node: Node | null | undefined, message: string): Problem => ({ ...lines.position(node?.range?.[0] ?? 0), message });
  const json = parseJson(text);
  if ('error' in json) return { problems: [{ line: json.error.line, column: json.error.column, message: `not valid JSON: ${json.error.message}` }] };
  const { isMap, isSeq, parseDocument } = yamlModule();
  const doc = parseDocument(text);
  const root = doc.contents;
  if (!isMap(root)) return { problems: [at(root, 'the file must hold an object {"default_start": …, "tiers": […]}.')] };
  const problems: Problem[] = [];
  unknownKeys(root, ['default_start', 'tiers'], '', (node, message) => problems.push(at(node, message)));
  const tiersNode = root.get('tiers', true) as Node | undefined;
  const tiers: LadderRung[] = [];
  if (!isSeq(tiersNode) || tiersNode.items.length === 0) problems.push(at(tiersNode ?? root, '"tiers" must be a non-empty array of {"alias", "claude", "codex"}.'));
  else {
    const seen = new Map<string, number>();
    tiersNode.items.forEach((item, index) => {
      const rung = readRung(item as Node, `tiers[${index}]`, (node, message) => problems.push(at(node, message)));
      if (rung === null) return;
      const earlier = seen.get(rung.alias);
      const aliasNode = isMap(item) ? (item.get('alias', true) as Node) : (item as Node);
      if (earlier !== undefined) problems.push(at(aliasNode, `tiers[${index}].alias ${JSON.stringify(rung.alias)} is already the alias of tiers[${earlier}]; aliases must be unique.`));
      else seen.set(rung.alias, index);
      tiers.push(rung);
    });
  }
  const startNode = root.get('default_start', true) as Node | undefined;
  // As ccx-loop reads it: no default_start means the `default` rung, else the lowest one.
  const start = startNode === undefined ? (tiers.some((rung) => rung.alias === 'default') ? 'default' : (tiers[0]?.alias ?? 'default')) : startNode.toJSON();
  if (typeof start !== 'string' || start === '') problems.push(at(startNode, '"default_start" must be the alias of one of the tiers.'));
  else if (tiers.length > 0 && !tiers.some((rung) => rung.alias === start)) {
    const known = [...new Set(tiers.map((rung) => rung.alias))].join(', ');
    const what = startNode === undefined ? '"default_start" is missing and no tier is called "default"' : `"default_start" is ${JSON.stringify(start)}, which is not the alias of any tier`;
    problems.push(at(startNode ?? root, `${what}; the aliases are ${known}.`));
  }
  return problems.length > 0 ? { problems } : { ladder: { defaultStart: start as string, tiers } };
}

type Fail = (node: Node | null | undefined, message: string) => void;

function readRung(node: Node, where: string, fail: Fail): LadderRung | null {
  const { isMap } = yamlModule();
  if (!isMap(node)) {
    fail(node, `${where} must be an object {"alias", "claude": {"model", "effort"}, "codex": {"model"}}.`);
    return null;
  }
  unknownKeys(node, ['alias', 'claude', 'codex'], where, fail);
  const alias = node.get('alias');
  if (typeof alias !== 'string' || alias.trim() === '') fail(node.get('alias', true) as Node ?? node, `${where}.alias must be a non-empty string.`);
  const claude = readModel(node, 'claude', where, CLAUDE_EFFORTS, fail);
  const codex = readModel(node, 'codex', where, CODEX_EFFORTS, fail);
  if (typeof alias !== 'string' || alias.trim() === '' || claude === null || codex === null) return null;
  return { alias, claude: { model: claude.model, effort: claude.effort ?? '' }, codex };
}

/** `effort` may be left out: claude then uses its CLI's default, codex the rung's claude effort. */
function readModel(rung: YAMLMap, agent: 'claude' | 'codex', where: string, efforts: readonly string[], fail: Fail): { model: string; effort?: string } | null {
  const { isMap } = yamlModule();
  const node = rung.get(agent, true) as Node | undefined;
  if (!isMap(node)) {
    fail(node ?? rung, `${where}.${agent} is missing: it must be an object {"model": …} (with an optional "effort").`);
    return null;
  }
  unknownKeys(node, ['model', 'effort'], `${where}.${agent}`, fail);
  const model = node.get('model');
  const effort = node.get('effort');
  let ok = true;
  if (typeof model !== 'string' || model.trim() === '') {
    fail(node.get('model', true) as Node ?? node, `${where}.${agent}.model is missing: name the model, such as ${agent === 'claude' ? '"sonnet"' : '"gpt-5.5"'}.`);
    ok = false;
  }
  if (effort !== undefined && (typeof effort !== 'string' || !efforts.includes(effort))) {
    const hint = agent === 'codex' && effort === 'max' ? ' (codex has no max: its highest is xhigh)' : '';
    fail(node.get('effort', true) as Node ?? node, `${where}.${agent}.effort must be one of ${efforts.join(', ')}${hint}, but it is ${JSON.stringify(effort)}.`);
    ok = false;
  }
  if (!ok) return null;
  return effort === undefined ? { model: model as string } : { model: model as string, effort: effort as string };
}

function unknownKeys(map: YAMLMap, allowed: readonly string[], where: string, fail: Fail): void {
  for (const pair of map.items) {
    const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
    if (allowed.includes(key)) continue;
    const guess = didYouMean(key, allowed);
    fail(pair.key as Node, `${where === '' ? '' : `${where}: `}${JSON.stringify(key)} is not a ladder field${guess === null ? '' : `; did you mean ${JSON.stringify(guess)}?`} (expected ${allowed.map((name) => JSON.stringify(name)).join(', ')}).`);
  }
}
