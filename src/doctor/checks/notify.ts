import { readFile } from 'node:fs/promises';
import { parseConfig } from '../../config/config-file.js';
import { readEnv } from '../../config/env.js';
import { dataRoot, statePaths } from '../../config/paths.js';
import { discoverStateDirs } from '../../daemon/runtime/discover.js';
import { isCcxError } from '../../errors.js';
import { desktopArgv } from '../../notify/sinks/desktop.js';
import { loadGlobalSinks, notifyFilePath, targetOf, type SinkConfig } from '../../notify/index.js';
import type { CheckResult, DoctorHost } from '../types.js';
import { findExecutable } from '../which.js';

const NAME = 'notify';

/**
 * Every notification sink (the data root's notify.yaml and each repository's `notify:`), one line
 * each: where it sends (scheme and host only) and what. A problem of notify.yaml fails here; one
 * of config.yaml is reported by the config check. No sink anywhere: no line.
 */
export async function checkNotify(host: DoctorHost): Promise<CheckResult[]> {
  let env;
  try {
    env = readEnv(host.env);
  } catch (error) {
    if (!isCcxError(error)) throw error;
    return [];
  }
  const root = dataRoot(env, { platform: host.platform, home: host.home, xdgDataHome: host.env['XDG_DATA_HOME'] === '' ? undefined : host.env['XDG_DATA_HOME'] });
  const results: CheckResult[] = [];
  const global = await loadGlobalSinks(root);
  for (const problem of global.problems) results.push({ level: 'fail', name: NAME, message: problem, fix: `Fix ${notifyFilePath(root)} and save; the daemon keeps the last good one meanwhile.` });
  for (const sink of global.sinks) results.push(await checkSink(host, sink, `${notifyFilePath(root)} (every repository)`));
  for (const stateDir of await discoverStateDirs(root)) {
    const text = await readFile(statePaths(stateDir).config, 'utf8').catch(() => null);
    const parsed = text === null ? null : parseConfig(text);
    if (parsed === null || !('config' in parsed)) continue;
    for (const sink of parsed.config.notify) results.push(await checkSink(host, sink, parsed.config.repo));
  }
  return results;
}

async function checkSink(host: DoctorHost, sink: SinkConfig, where: string): Promise<CheckResult> {
  const what = `${where}: ${sink.name} → ${targetOf(sink, host.env)} for ${sink.events.join(', ')}`;
  if (sink.type === 'command') {
    const program = sink.argv[0] ?? '';
    if ((await findExecutable(program, host.env, host.cwd)) === null) return { level: 'fail', name: NAME, message: `${what}: ${program} was not found or is not executable`, fix: 'Install it, or give argv[0] as an absolute path to an executable program.' };
  }
  if (sink.type === 'desktop') {
    const found = await desktopArgv(host.env, host.platform);
    if ('missing' in found) return { level: 'warn', name: NAME, message: `${what}: ${found.missing}; desktop notifications are off`, fix: 'Install the notifier, or use a command or webhook sink instead.' };
  }
  return { level: 'ok', name: NAME, message: what };
}
