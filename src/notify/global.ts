import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { parseNotifyFile } from './config.js';
import type { SinkConfig } from './types.js';

/** The data root's file of sinks for every repository (SPEC 15). */
export const NOTIFY_FILE = 'notify.yaml';

export function notifyFilePath(dataRoot: string): string {
  return join(dataRoot, NOTIFY_FILE);
}

/** The data root's notify.yaml: its sinks (none when there is no file), or its problems as path:line:column lines. */
export async function loadGlobalSinks(dataRoot: string): Promise<{ sinks: SinkConfig[]; problems: string[] }> {
  const path = notifyFilePath(dataRoot);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { sinks: [], problems: [] };
    return { sinks: [], problems: [`${path} cannot be read (${errnoCode(error) ?? String(error)}).`] };
  }
  const parsed = parseNotifyFile(text);
  if ('sinks' in parsed) return { sinks: parsed.sinks, problems: [] };
  return { sinks: [], problems: parsed.problems.map((problem) => `${path}:${problem.line}:${problem.column}: ${problem.message}`) };
}
