#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { countLines } from './lines.js';
import { countWords } from './words.js';

/** `textstats [--words] [--lines] < file`: what to count comes from the flags (all, without flags). */
export function main(argv, input) {
  const wanted = argv.length === 0 ? ['--words', '--lines'] : argv;
  const counts = [];
  for (const flag of wanted) {
    if (flag === '--words') counts.push(`words ${countWords(input)}`);
    else if (flag === '--lines') counts.push(`lines ${countLines(input)}`);
    else throw new Error(`unknown flag ${flag}`);
  }
  return counts.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${main(process.argv.slice(2), readFileSync(0, 'utf8'))}\n`);
}
