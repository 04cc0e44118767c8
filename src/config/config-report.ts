import { readFile } from 'node:fs/promises';
import { errnoCode } from '../errors.js';
import { parseConfig, type RepoConfig } from './config-file.js';

/** One problem of config.yaml as `ccx status --json` lists it: the file, where in it, and what. */
export interface ConfigReportProblem {
  path: string;
  line: number;
  column: number;
  message: string;
}

/** config.yaml as a reader sees it: the settings when they load, else every problem at its line:column. */
export interface ConfigReport {
  valid: boolean;
  problems: ConfigReportProblem[];
  config: RepoConfig | null;
}

/** Reads config.yaml without throwing: for `ccx status`, which shows a bad one beside the board. */
export async function readConfigReport(path: string): Promise<ConfigReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = errnoCode(error) ?? String(error);
    const message = code === 'ENOENT' ? 'config.yaml is missing; run `ccx init` in the repository to create it.' : `config.yaml cannot be read (${code}).`;
    return { valid: false, problems: [{ path, line: 1, column: 1, message }], config: null };
  }
  const parsed = parseConfig(text);
  if ('config' in parsed) return { valid: true, problems: [], config: parsed.config };
  return { valid: false, problems: parsed.problems.map((problem) => ({ path, ...problem })), config: null };
}
