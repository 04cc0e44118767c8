import { execFile } from 'node:child_process';
import { chmod, cp, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CLI_PATH } from './cli.js';
import { makeTempDir, removeDir } from './testdir.js';

const execFileAsync = promisify(execFile);

/** nobody/nogroup: a user who owns nothing of the test's. */
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] as const;
/** The checkout's root, without a trailing slash (resolvePackage walks up to it). */
const CHECKOUT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

export type UnprivilegedCli = { ok: true; argv: string[]; cleanup: () => Promise<void> } | { ok: false; reason: string };

/**
 * How to run the built CLI as an unprivileged user, for a test that needs one (root reads every
 * file). A clone in a private folder (`mktemp -d` makes them 0700) is out of that user's reach, so
 * the CLI is then copied, with the packages it loads, into a temp folder anyone can read.
 */
export async function unprivilegedCli(): Promise<UnprivilegedCli> {
  if (!(await runsAsNobody([process.execPath, '-e', '0']))) {
    return { ok: false, reason: `an unprivileged user cannot run ${process.execPath} (is node installed under a private folder such as /root?)` };
  }
  if (await runsAsNobody(['test', '-r', CLI_PATH])) return { ok: true, argv: [...NOBODY, process.execPath, CLI_PATH], cleanup: async () => undefined };
  const copy = await makeTempDir('ccx-cli-copy-');
  try {
    await copyRuntime(copy);
    const cli = join(copy, relative(CHECKOUT, CLI_PATH));
    if (await runsAsNobody([process.execPath, cli, '--version'])) return { ok: true, argv: [...NOBODY, process.execPath, cli], cleanup: () => removeDir(copy) };
    await removeDir(copy);
    return { ok: false, reason: `an unprivileged user cannot reach ${copy} either (is the temp folder ${dirname(copy)} private?)` };
  } catch (error) {
    await removeDir(copy);
    throw error;
  }
}

async function runsAsNobody(argv: readonly string[]): Promise<boolean> {
  try {
    await execFileAsync(NOBODY[0], [...NOBODY.slice(1), ...argv], { cwd: '/', env: { ...process.env, HOME: '/tmp' } });
    return true;
  } catch {
    return false;
  }
}

/** dist/, package.json and every package the dependencies need (not the dev tools), readable by all. */
async function copyRuntime(target: string): Promise<void> {
  await cp(join(CHECKOUT, 'dist'), join(target, 'dist'), { recursive: true });
  await cp(join(CHECKOUT, 'package.json'), join(target, 'package.json'));
  for (const packageDir of await productionPackages(CHECKOUT)) {
    await cp(packageDir, join(target, relative(CHECKOUT, packageDir)), { recursive: true, verbatimSymlinks: true });
  }
  await chmod(target, 0o755);
  await execFileAsync('chmod', ['-R', 'a+rX', target]);
}

/** The folders of the dependencies' packages, found the way node resolves them (nearest node_modules upwards). */
async function productionPackages(root: string): Promise<string[]> {
  const found = new Set<string>();
  const queue: string[] = [root];
  for (let from = queue.shift(); from !== undefined; from = queue.shift()) {
    const manifest = JSON.parse(await readFile(join(from, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      const dir = await resolvePackage(from, name, root);
      if (dir === null || found.has(dir)) continue;
      found.add(dir);
      queue.push(dir);
    }
  }
  // A package nested inside another one's folder is copied with it.
  return [...found].filter((dir) => ![...found].some((other) => other !== dir && dir.startsWith(`${other}/`)));
}

async function resolvePackage(from: string, name: string, root: string): Promise<string | null> {
  for (let dir = from; dir.startsWith(root); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (await stat(join(candidate, 'package.json')).then(() => true, () => false)) return candidate;
  }
  return null;
}
