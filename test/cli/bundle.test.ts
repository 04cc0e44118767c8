import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir } from '../helpers/gitdir.js';
import { testdir } from '../helpers/testdir.js';

// The build bundles the CLI (scripts/bundle.mjs): dist/cli/bin.js is one CommonJS file, and a
// module's import.meta.url must still name its own file in dist/, or every path a command finds
// from it (package.json, the ui page, examples, service templates) would be wrong.
const CLI_DIR = dirname(CLI_PATH);
const DIST = dirname(CLI_DIR);

describe('the bundled command line', () => {
  it('is one CommonJS file, alone in dist/cli/', () => {
    expect(readdirSync(CLI_DIR).sort()).toEqual(['bin.js', 'bin.js.map', 'package.json']);
    expect(JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    const source = readFileSync(CLI_PATH, 'utf8');
    expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
    // tsc's output is ES modules, which are strict: the directive must be the file's first statement.
    expect(source.split('\n').filter((line) => line !== '' && !line.startsWith('#!') && !line.startsWith('//'))[0]).toBe('"use strict";');
    expect(source).not.toContain('import.meta');
    // Nothing of ours is loaded from outside the bundle, lazily or not.
    expect(source).not.toMatch(/\b(?:import|require)\(["']\.{1,2}\//);
  });

  it('gives each module the URL of its own file in dist/, and that file exists', () => {
    const source = readFileSync(CLI_PATH, 'utf8');
    const own = [...source.matchAll(/__ccxModuleUrl\("([^"]+)"\)/g)].map((match) => match[1] as string);
    // package.json (the version), the ui page, the examples and the service templates are all found this way.
    expect(own.length).toBeGreaterThanOrEqual(8);
    for (const path of own) {
      const file = join(CLI_DIR, path);
      // A module of src/cli/ lives only in the bundle now; its folder is still where its paths count from.
      expect(existsSync(file) || dirname(file) === CLI_DIR, `the bundle names ${path}`).toBe(true);
      expect(file.startsWith(DIST)).toBe(true);
    }
  });

  // board/parse/locate.ts names a local `require` (for remark): the rewritten import.meta.url must
  // not read it (it did, and every board remark reads failed with "Cannot access 'require2'").
  it('reads a board that needs remark (an HTML comment above the block) and one that does not', async () => {
    const repo = await gitdir();
    const env = await isolatedEnv();
    const init = await runCli(['init'], { cwd: repo, env });
    expect(init.exitCode).toBe(0);
    const board = join(init.stdout.trim().split('\n')[0]?.replace(/^wrote /, '').replace(/\/BOARD\.md$/, '') ?? '', 'BOARD.md');
    const rows = '```yaml\n- id: T-1\n  title: one\n  status: draft\n```\n';
    for (const text of [`# Board\n\n## Tasks\n\n<!-- a comment -->\n\n${rows}`, `# Board\n\n## Tasks\n\n${rows}`]) {
      writeFileSync(board, text);
      const listed = await runCli(['tasks', '--json'], { cwd: repo, env });
      expect({ code: listed.exitCode, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' });
      expect((JSON.parse(listed.stdout) as { id: string }[]).map((row) => row.id)).toEqual(['T-1']);
    }
  });

  it('on a Node without require() of ES modules (22.11, 20.18) says which Node it needs, and exits 1', async () => {
    const dir = await testdir();
    for (const [version, code] of [['v22.11.0', 1], ['v20.18.3', 1], ['v21.7.3', 1], ['v22.12.0', 0], ['v20.19.0', 0], ['v24.1.0', 0]] as const) {
      const hook = join(dir, `as-${version}.cjs`);
      writeFileSync(hook, `Object.defineProperty(process, 'version', { value: ${JSON.stringify(version)} });`);
      const run = await promisify(execFile)(process.execPath, ['--require', hook, CLI_PATH, '--version'], { cwd: dir }).then(
        (result) => ({ code: 0, ...result }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(run.code, version).toBe(code);
      if (code === 1) expect(run.stderr).toBe(`ccx: this is Node ${version}; ccx needs Node 20.19 or newer on 20, 22.12 or newer on 22, or 23 and later.\n  Install a newer Node (for one, \`nvm install 22\`) and run ccx again.\n`);
      else expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    }
  });

  it('loads no module of dist/ but itself', async () => {
    const dir = await testdir();
    const hook = join(dir, 'hook.cjs');
    writeFileSync(hook, `process.on('exit', () => { const ours = Object.keys(require.cache).filter((path) => path.startsWith(${JSON.stringify(DIST)})); process.stderr.write('LOADED ' + JSON.stringify(ours)); });`);
    const { stderr, stdout } = await promisify(execFile)(process.execPath, ['--require', hook, CLI_PATH, '--version'], { cwd: dir });
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(JSON.parse(stderr.slice(stderr.indexOf('LOADED ') + 7))).toEqual([CLI_PATH]);
  });
});
