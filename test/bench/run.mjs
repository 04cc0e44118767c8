#!/usr/bin/env node
// `npm run bench [-- name... [--option value]]`: runs every test/bench/<name>.bench.mjs in turn and prints one JSON
// object of figures, keyed by bench name. Figures, not pass/fail: targets are printed beside them.
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
// Bench names; an option (`--tasks 300`) and its value are for the benches themselves (soak reads it).
const wanted = process.argv.slice(2).filter((arg, index, args) => !arg.startsWith('--') && !args[index - 1]?.startsWith('--'));
const files = (await readdir(here)).filter((name) => name.endsWith('.bench.mjs')).sort();
const results = {};
for (const file of files) {
  const name = file.replace(/\.bench\.mjs$/, '');
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const started = Date.now();
  process.stderr.write(`bench ${name}…\n`);
  const bench = await import(pathToFileURL(join(here, file)).href);
  results[name] = await bench.run();
  process.stderr.write(`bench ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
process.stdout.write(`${JSON.stringify({ node: process.version, platform: `${process.platform}-${process.arch}`, results }, null, 2)}\n`);
