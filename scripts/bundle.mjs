// Bundles the CLI after tsc (issue 13 item 8, fast reads). Node 20's ESM loader reads, links and
// compiles each module on its own, level by level down the import graph: `ccx tasks` loads ~75
// of ours, ~1 ms each, a third of a short command's time. dist/cli/bin.js (tsc's output) becomes
// the entry of a bundle whose chunks lie in dist/cli/bundle/; commands stay loaded on demand (each
// dynamic import is a chunk). Everything else in dist/ stays as tsc wrote it, for tests and tools.
//
// A module's `import.meta.url` keeps meaning that module's own file: each is rewritten to the URL
// of the file it was bundled from, relative to the chunk folder, so paths found from it
// (package.json, the ui page, examples, the service templates) are the same bundled or not.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'dist');
const ENTRY = join(DIST, 'cli', 'bin.js');
const CHUNKS = join(DIST, 'cli', 'bundle');
const MARK = '// ccx: bundled from tsc output';

const entrySource = readFileSync(ENTRY, 'utf8');
if (entrySource.includes(MARK)) {
  console.error(`${ENTRY} is already a bundle; run \`npm run build\` (tsc, then this) to bundle again.`);
  process.exit(1);
}

/** `import.meta.url` of the module at `file`, as an expression valid in a chunk of CHUNKS. */
function ownUrl(file) {
  const path = relative(CHUNKS, file).split(sep).join('/');
  return `new URL(${JSON.stringify(path)}, import.meta.url).href`;
}

const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, (args) => {
      if (args.path === ENTRY || !args.path.startsWith(DIST + sep)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return { contents: source.replaceAll('import.meta.url', ownUrl(args.path)), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

rmSync(CHUNKS, { recursive: true, force: true });
const result = await build({
  entryPoints: [ENTRY],
  outdir: join(DIST, 'cli'),
  entryNames: '[name]',
  chunkNames: 'bundle/[name]-[hash]',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  packages: 'external',
  // Names as written (no `run2` for a clash between modules): error classes and stack traces keep theirs.
  keepNames: true,
  sourcemap: true,
  metafile: true,
  banner: { js: MARK },
  plugins: [ownImportMetaUrl],
  logLevel: 'warning',
  absWorkingDir: ROOT,
});

// Only bin.js's own code may sit in the entry: a module placed there would read its URL from the
// chunk folder and be wrong.
const entryOutput = Object.entries(result.metafile.outputs).find(([path]) => join(ROOT, path) === ENTRY);
const inEntry = Object.entries(entryOutput?.[1].inputs ?? {}).filter(([, input]) => input.bytesInOutput > 0).map(([path]) => path);
if (inEntry.length !== 1 || join(ROOT, inEntry[0]) !== ENTRY) {
  console.error(`the bundle's entry holds more than dist/cli/bin.js: ${inEntry.join(', ')}`);
  process.exit(1);
}
