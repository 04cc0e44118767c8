import { readFile } from 'node:fs/promises';
import { isMap, isScalar, parseDocument, type Node } from 'yaml';
import { readAgents, type RepoConfig } from '../../config/config-file.js';
import { CcxError } from '../../errors.js';
import { LineIndex } from '../../text/line-index.js';

/** `ccx runner --config FILE`: this host's own agents and test command, for agent paths that differ here. */
export interface RunnerOverrides {
  agents?: RepoConfig['agents'];
  test?: string | null;
}

const KEYS = ['agents', 'test'];

/** Reads the file (config.yaml's `agents:` and `test:` only); every problem with its line:column. */
export async function loadRunnerOverrides(path: string): Promise<RunnerOverrides> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CcxError('CONFIG_INVALID', `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, { hint: 'Pass --config a readable YAML file with agents: and/or test:.' });
  }
  const lines = new LineIndex(text);
  const problems: Array<{ line: number; column: number; text: string }> = [];
  const doc = parseDocument(text, { prettyErrors: false });
  const fail = (node: Node | null | undefined, message: string) => {
    const at = lines.position(node?.range?.[0] ?? 0);
    problems.push({ ...at, text: `${path}:${at.line}:${at.column}: ${message}` });
  };
  for (const error of doc.errors) fail(null, `it does not parse: ${error.message.split('\n')[0] ?? ''}`);
  const root = doc.contents;
  const overrides: RunnerOverrides = {};
  if (problems.length === 0 && !isMap(root)) fail(null, 'it must be a mapping with agents: and/or test: (as in config.yaml).');
  if (problems.length === 0 && isMap(root)) {
    for (const pair of root.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!KEYS.includes(key)) fail(pair.key as Node, `${key} is not a setting a runner overrides (it takes: ${KEYS.join(', ')}).`);
    }
    const agentsPair = root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'agents');
    if (agentsPair !== undefined) overrides.agents = readAgents(agentsPair.value as Node | null, agentsPair.key as Node, doc, fail);
    const testPair = root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'test');
    if (testPair !== undefined) {
      const test = (testPair.value as Node | null)?.toJSON() as unknown;
      if (test !== null && (typeof test !== 'string' || test.trim() === '')) fail(testPair.value as Node, 'test must be a command line such as `npm test`, or null for none.');
      else overrides.test = test;
    }
  }
  if (problems.length > 0) throw new CcxError('CONFIG_INVALID', `the runner's --config has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.sort((a, b) => a.line - b.line || a.column - b.column).map((problem) => problem.text).join('\n')}`, { hint: 'Fix the file and start the runner again.' });
  return overrides;
}
