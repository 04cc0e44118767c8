#!/usr/bin/env node
// `npm run conformance:install`: installs the pinned agent CLIs the conformance suite runs against
// into a cache folder outside the project's dependencies (they are ~550 MB of native binaries that a
// person using ccx already has). Skips what is already there. The folder is
// $CCX_CONFORMANCE_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/ccx-conformance.
// With --latest (`npm run conformance:install:latest`) it installs the releases the npm registry
// calls latest now into its latest/ subfolder instead, and, when this Node is older than one of them
// needs (claude 2.1.3xx needs Node 22), the registry's node@22 into node-22/ to run it with.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The pinned versions live in package.json's "conformance" field (the suite reads them there too). */
const PINNED = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).conformance;

const latest = process.argv.includes('--latest');
const dir = latest ? join(conformanceDir(), 'latest') : conformanceDir();
const wanted = latest ? Object.fromEntries(Object.keys(PINNED).map((name) => [name, registryVersion(name)])) : PINNED;
const missing = Object.entries(wanted).filter(([name, version]) => installedVersion(dir, name) !== version);
if (missing.length === 0) {
  process.stdout.write(`conformance CLIs already installed in ${dir}\n`);
} else {
  mkdirSync(dir, { recursive: true });
  const specs = missing.map(([name, version]) => `${name}@${version}`);
  process.stdout.write(`installing ${specs.join(' ')} into ${dir}\n`);
  npm(['install', '--prefix', dir, '--no-audit', '--no-fund', '--save-exact', ...specs], 'the conformance suite will be skipped for these versions');
}
// A CLI whose engines want a newer Node than this one runs under the registry's node package instead.
const nodeBin = newerNodeBin(dir);
const env = nodeBin === null ? process.env : { ...process.env, PATH: `${nodeBin}${delimiter}${process.env.PATH ?? ''}` };
// claude's postinstall swaps its bin stub for the native binary; an npm that holds install scripts
// back leaves the stub, so run the postinstall by hand then.
if (!runs(join(dir, 'node_modules', '.bin', 'claude'), env)) {
  spawnSync(nodeBin === null ? process.execPath : join(nodeBin, 'node'), ['install.cjs'], { cwd: join(dir, 'node_modules', '@anthropic-ai', 'claude-code'), stdio: 'inherit', env });
}
for (const bin of ['claude', 'codex']) {
  if (!runs(join(dir, 'node_modules', '.bin', bin), env)) {
    process.stderr.write(`${bin} was installed but does not run (\`${bin} --version\` failed); the conformance suite will fail for it.\n`);
    process.exit(1);
  }
}
process.stdout.write(`done: ${join(dir, 'node_modules', '.bin')} holds claude and codex${nodeBin === null ? '' : ` (run with the node in ${nodeBin})`}\n`);

function npm(args, consequence) {
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`npm ${args[0]} failed (exit ${result.status ?? result.signal}); ${consequence}.\n`);
    process.exit(1);
  }
}

function registryVersion(name) {
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['view', name, 'version'], { encoding: 'utf8' });
  const version = result.stdout?.trim();
  if (result.status !== 0 || !/^\d+\.\d+\.\d+/.test(version ?? '')) {
    process.stderr.write(`npm view ${name} version failed (exit ${result.status ?? result.signal}): ${result.stderr?.trim() ?? ''}; the latest releases cannot be installed.\n`);
    process.exit(1);
  }
  return version;
}

/** The bin folder of the registry's node@<major> when a CLI in `dir` needs a newer major than this Node (installed once, beside the CLIs). */
function newerNodeBin(root) {
  const needed = Math.max(0, ...Object.keys(PINNED).map((name) => minimumNodeMajor(root, name)));
  if (needed <= Number(process.versions.node.split('.')[0])) return null;
  const prefix = join(conformanceDir(), `node-${needed}`);
  const bin = join(prefix, 'node_modules', 'node', 'bin');
  if (!existsSync(join(bin, 'node'))) npm(['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `node@${needed}`], `node ${needed}, which these CLIs need, could not be installed`);
  return bin;
}

function minimumNodeMajor(root, name) {
  try {
    const range = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).engines?.node ?? '';
    return Number(/>=?\s*v?(\d+)/.exec(range)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function runs(bin, env) {
  return spawnSync(bin, ['--version'], { stdio: 'ignore', timeout: 30_000, env }).status === 0;
}

function conformanceDir() {
  const explicit = process.env.CCX_CONFORMANCE_DIR;
  if (explicit !== undefined && explicit.trim() !== '') return explicit;
  const cache = process.env.XDG_CACHE_HOME;
  return join(cache !== undefined && cache.trim() !== '' ? cache : join(homedir(), '.cache'), 'ccx-conformance');
}

function installedVersion(root, name) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}
