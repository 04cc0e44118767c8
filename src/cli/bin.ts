#!/usr/bin/env node
import module from 'node:module';

// Node 22+ caches compiled modules between runs (faster `ccx` and daemon starts); Node 20 has no such cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

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

const { main } = await import('./main.js');
const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
});
process.exitCode = interrupted ? EXIT_INTERRUPTED : code;
