#!/usr/bin/env node
import module from 'node:module';

// Node 22+ caches compiled modules between runs (faster `ccx` and daemon starts); Node 20 has no such cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// A reader that stops early (`ccx logs | head`) closes the pipe: that ends the command, quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const { main } = await import('./main.js');
const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTTY: process.stdout.isTTY === true,
});
process.exitCode = code;
