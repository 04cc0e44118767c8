#!/usr/bin/env node
import module from 'node:module';
import v8 from 'node:v8';

// ccx loads ES-only packages (execa, chokidar, remark, the NATS client) with require(), which Node
// does without a flag from 20.19 and 22.12 on (package.json's engines): say so rather than fail on it.
const [nodeMajor = 0, nodeMinor = 0] = process.version.slice(1).split('.').map(Number);
if (!(nodeMajor > 22 || (nodeMajor === 22 && nodeMinor >= 12) || (nodeMajor === 20 && nodeMinor >= 19))) {
  process.stderr.write(`ccx: this is Node ${process.version}; ccx needs Node 20.19 or newer on 20, 22.12 or newer on 22, or 23 and later.\n  Install a newer Node (for one, \`nvm install 22\`) and run ccx again.\n`);
  process.exit(1);
}

// Node 22+ caches compiled modules between runs (faster `ccx` and daemon starts); Node 20 has no such cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// Most ccx commands live a few hundred milliseconds. Node 20's V8 (11.x) has one optimizing compiler,
// TurboFan, and sends a function to it after a small budget of work (67,584): on a short read its
// compiles cost more than they win. Eight times that budget took 33–38 ms off `ccx tasks --json` on
// 1,000 rows (of ~370), and nothing from 10,000 rows or the daemon. Node 22+ (V8 12+) tier up
// through Maglev first and have no such flag (setting it would print an error).
const NODE_20_INTERRUPT_BUDGET = 8 * 67_584;
if (Number(process.versions.v8.split('.')[0]) < 12) v8.setFlagsFromString(`--interrupt-budget=${NODE_20_INTERRUPT_BUDGET}`);

// A reader that stops early (`ccx logs | head`) closes the pipe: that ends the command, quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Ctrl-C exits 130 (128 + SIGINT) for every command: one that stops by itself (logs -f, loop,
// daemon, status --watch) gets its own handler and returns; one that has none stops here at once.
const EXIT_INTERRUPTED = 130;
let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
  if (process.listenerCount('SIGINT') === 1) process.exit(EXIT_INTERRUPTED);
});

// No top-level await: the build bundles this file as CommonJS (scripts/bundle.mjs).
void import('./main.js')
  .then(({ main }) =>
    main(process.argv.slice(2), {
      cwd: process.cwd(),
      env: process.env,
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      stdoutIsTTY: process.stdout.isTTY === true,
      stderrIsTTY: process.stderr.isTTY === true,
    }),
  )
  .then((code) => {
    process.exitCode = interrupted ? EXIT_INTERRUPTED : code;
  });
