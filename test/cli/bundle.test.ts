import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_PATH } from '../helpers/cli.js';

// The build bundles the CLI (scripts/bundle.mjs): dist/cli/bin.js is the entry, its chunks lie in
// dist/cli/bundle/, and a module's import.meta.url must still name its own file, or every path a
// command finds from it (package.json, the ui page, examples, service templates) would be wrong.
const BUNDLE = join(dirname(CLI_PATH), 'bundle');

function chunks(): { name: string; source: string }[] {
  return readdirSync(BUNDLE)
    .filter((name) => name.endsWith('.js'))
    .map((name) => ({ name, source: readFileSync(join(BUNDLE, name), 'utf8') }));
}

describe('the bundled command line', () => {
  it('is what bin.js runs: its entry loads chunks from dist/cli/bundle/', () => {
    const entry = readFileSync(CLI_PATH, 'utf8');
    expect(entry.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(entry).toMatch(/from "\.\/bundle\/chunk-[A-Z0-9]+\.js"|import\("\.\/bundle\/main-[A-Z0-9]+\.js"\)/);
    expect(entry).not.toContain('import.meta.url');
  });

  it('gives each module the URL of its own file in dist/, and that file exists', () => {
    const urls = chunks().flatMap(({ name, source }) =>
      [...source.matchAll(/import\.meta\.url/g)].map((match) => {
        const before = source.slice(Math.max(0, (match.index ?? 0) - 200), match.index);
        const own = /new URL\("([^"]+)", $/.exec(before);
        return { name, path: own?.[1] ?? null };
      }),
    );
    // package.json (the version), the ui page, the examples and the service templates are all found this way.
    expect(urls.length).toBeGreaterThanOrEqual(8);
    for (const { name, path } of urls) {
      expect(path, `an import.meta.url in ${name} was left as the chunk's own`).not.toBeNull();
      const file = fileURLToPath(new URL(path as string, `file://${BUNDLE}/`));
      expect(existsSync(file), `${name} names ${file}`).toBe(true);
      expect(file.startsWith(dirname(dirname(CLI_PATH)))).toBe(true);
    }
  });
});
