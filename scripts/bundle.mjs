// Bundles the CLI after tsc (issue 13 item 8, fast reads). Node 20's ES module loader reads, links
// and compiles each module on its own, one import level at a time: `ccx tasks` loads some 75 of
// ours, about 1 ms each, and an ES module entry costs ~17 ms more to start than a CommonJS one.
// So the program people run, dist/cli/bin.js, is one CommonJS file made from tsc's output of
// src/cli/bin.ts and everything it imports; a command's code is still evaluated only when it runs
// (esbuild keeps each dynamic import lazy). dist/cli/ then holds only that file (and a package.json
// that makes its .js CommonJS); the rest of dist/ stays tsc's ES modules, for tests and tools.
// Packages stay in node_modules and are loaded with require(), which reads ES-only packages from
// Node 20.19 and 22.12 on (package.json's engines).
//
// A module's `import.meta.url` keeps meaning that module's own file in dist/: each is rewritten to
// that file's URL, found from the bundle's own folder, so paths found from it (package.json, the
// ui page, examples, the service templates) are the same bundled or not.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'dist');
const CLI = join(DIST, 'cli');
const ENTRY = join(CLI, 'bin.js');
const MARK = '// ccx: bundled from tsc output';

if (readFileSync(ENTRY, 'utf8').includes(MARK)) {
  console.error(`${ENTRY} is already the bundle; run \`npm run build\` (tsc, then this) to bundle again.`);
  process.exit(1);
}

/**
 * `import.meta.url` of the module at `file`, as an expression valid anywhere in the bundle (which
 * lies in CLI): a call of OWN_URL, defined at the top of the file where `require` and `__dirname`
 * are CommonJS's own (a module may name a local `require`, as board/parse/locate.ts does).
 */
function ownUrl(file) {
  return `${OWN_URL}(${JSON.stringify(relative(CLI, file).split(sep).join('/'))})`;
}
const OWN_URL = '__ccxModuleUrl';
const OWN_URL_DEFINITION = `var ${OWN_URL} = (path) => require("node:url").pathToFileURL(require("node:path").join(__dirname, path)).href;`;

const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(DIST + sep)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return { contents: source.replaceAll('import.meta.url', ownUrl(args.path)), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

// A package.json left by an earlier build would make tsc's fresh ES modules here read as CommonJS.
rmSync(join(CLI, 'package.json'), { force: true });
await build({
  entryPoints: [ENTRY],
  outfile: ENTRY,
  allowOverwrite: true,
  absWorkingDir: ROOT,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  packages: 'external',
  // Names as written (no `run2` for a clash between modules): error classes and stack traces keep theirs.
  keepNames: true,
  sourcemap: true,
  // tsc's output is ES modules, strict by definition: the directive must stay first, before the definition.
  banner: { js: `${MARK}\n"use strict";\n${OWN_URL_DEFINITION}` },
  plugins: [ownImportMetaUrl],
  logLevel: 'warning',
});

// What the bundle holds is not needed beside it: only bin.js stays in dist/cli/, as CommonJS.
for (const entry of readdirSync(CLI)) {
  if (entry !== 'bin.js' && entry !== 'bin.js.map') rmSync(join(CLI, entry), { recursive: true, force: true });
}
writeFileSync(join(CLI, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
