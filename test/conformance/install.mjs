#!/usr/bin/env node
// `npm run conformance:install`: installs the pinned agent CLIs the conformance suite runs against
// into a cache folder outside the project's dependencies (they are ~550 MB of native binaries that a
// person using ccx already has). Skips what is already there. The folder is
// $CCX_CONFORMANCE_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/ccx-conformance.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The pinned versions live in package.json's "conformance" field (the suite reads them there too). */
const PINNED = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).conformance;

const dir = conformanceDir();
const missing = Object.entries(PINNED).filter(([name, version]) => installedVersion(dir, name) !== version);
if (missing.length === 0) {
  process.stdout.write(`conformance CLIs already installed in ${dir}\n`);
  process.exit(0);
}
mkdirSync(dir, { recursive: true });
const specs = missing.map(([name, version]) => `${name}@${version}`);
process.stdout.write(`installing ${specs.join(' ')} into ${dir}\n`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['install', '--prefix', dir, '--no-audit', '--no-fund', '--save-exact', ...specs], { stdio: 'inherit' });
if (result.status !== 0) {
  process.stderr.write(`npm install failed (exit ${result.status ?? result.signal}); the conformance suite will be skipped.\n`);
  process.exit(1);
}
// claude's postinstall swaps its bin stub for the native binary; an npm that holds install scripts
// back leaves the stub, so run the postinstall by hand then.
if (!runs(join(dir, 'node_modules', '.bin', 'claude'))) {
  spawnSync(process.execPath, ['install.cjs'], { cwd: join(dir, 'node_modules', '@anthropic-ai', 'claude-code'), stdio: 'inherit' });
}
for (const bin of ['claude', 'codex']) {
  if (!runs(join(dir, 'node_modules', '.bin', bin))) {
    process.stderr.write(`${bin} was installed but does not run (\`${bin} --version\` failed); the conformance suite will fail for it.\n`);
    process.exit(1);
  }
}
process.stdout.write(`done: ${join(dir, 'node_modules', '.bin')} holds claude and codex\n`);

function runs(bin) {
  return spawnSync(bin, ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
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
