import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testdir } from '../helpers/testdir.js';

const FAKE_TOOL = fileURLToPath(new URL('./fixtures/fake-service-tool.mjs', import.meta.url));

export interface FakeEnv extends Record<string, string> {
  HOME: string;
  PATH: string;
  CCX_DATA_HOME: string;
  FAKE_TOOLS_LOG: string;
  FAKE_TOOLS_STATE: string;
}

export interface FakeTools {
  /** A fresh home folder. */
  home: string;
  /** A folder holding the fake systemctl, loginctl and launchctl. */
  bin: string;
  /** The environment that makes ccx use them: HOME, PATH (fakes first), a temp data root, the fakes' log and state. */
  env: FakeEnv;
  /** Every call the fakes received, in order, as "tool arg arg …". */
  calls(): Promise<string[]>;
}

/**
 * A temp home and fake service tools, each a tiny executable that records its argv. With
 * `onlyFakes`, PATH holds nothing else (so a real systemctl cannot be found either).
 */
export async function fakeServiceTools(options: { tools?: readonly string[]; onlyFakes?: boolean } = {}): Promise<FakeTools> {
  const root = await testdir();
  const home = join(root, 'home');
  const bin = join(root, 'bin');
  await mkdir(home);
  await mkdir(bin);
  for (const tool of options.tools ?? ['systemctl', 'loginctl', 'launchctl']) {
    const path = join(bin, tool);
    await writeFile(path, `#!${process.execPath}\nimport(${JSON.stringify(FAKE_TOOL)});\n`);
    await chmod(path, 0o755);
  }
  const log = join(root, 'calls.jsonl');
  const env: FakeEnv = {
    HOME: home,
    XDG_CONFIG_HOME: '',
    XDG_DATA_HOME: '',
    CCX_DATA_HOME: join(root, 'data'),
    PATH: options.onlyFakes === true ? bin : `${bin}:${process.env['PATH'] ?? ''}`,
    FAKE_TOOLS_LOG: log,
    FAKE_TOOLS_STATE: join(root, 'state.json'),
    USER: 'pat',
  };
  const calls = async () => {
    const text = await readFile(log, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const call = JSON.parse(line) as { tool: string; argv: string[] };
        return [call.tool, ...call.argv].join(' ');
      });
  };
  return { home, bin, env, calls };
}
