import { createHash } from 'node:crypto';
import { readdir, readFile, rename, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { CachedRow } from '../parse/parser.js';
import { writeTempFile } from '../../fs/atomic-write.js';

/**
 * STATE_DIR/.board-rows.json: the rows of BOARD.md as the last command read them, keyed by a digest
 * of each row's text. yaml takes most of a command's time on a long board (about 0.2 s for 1,000
 * rows in a fresh process), and most rows do not change between two commands. The file is only a
 * cache: it is checked against a stamp of the parser's own code, a row is taken from it only when
 * its text is byte for byte the same, and a missing, stale or damaged file is read around.
 */
interface RowCacheFile {
  stamp: string;
  rows: Record<string, CachedRow>;
}

let parserStamp: Promise<string> | null = null;

/** Changes whenever the code that reads a row (or the yaml package under it) changes. */
function stampOfParser(): Promise<string> {
  parserStamp ??= (async () => {
    const hash = createHash('sha1');
    const parseFolder = fileURLToPath(new URL('../parse/', import.meta.url));
    for (const name of (await readdir(parseFolder)).sort()) {
      if (/\.[jt]s$/.test(name)) hash.update(name).update(await readFile(parseFolder + name));
    }
    const types = fileURLToPath(new URL(`../types${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
    hash.update(await readFile(types));
    const yamlManifest = createRequire(import.meta.url).resolve('yaml/package.json');
    hash.update((JSON.parse(await readFile(yamlManifest, 'utf8')) as { version: string }).version);
    return hash.digest('base64url');
  })();
  return parserStamp;
}

/** The rows a row cache file holds, or none when it is missing, damaged or from other parser code. */
export async function loadRowCache(path: string): Promise<Map<string, CachedRow>> {
  try {
    const file = JSON.parse(await readFile(path, 'utf8')) as Partial<RowCacheFile>;
    if (file.stamp !== (await stampOfParser()) || typeof file.rows !== 'object' || file.rows === null) return new Map();
    return new Map(Object.entries(file.rows));
  } catch {
    return new Map();
  }
}

/** Replaces the row cache file (atomically). Failing to write a cache is never an error. */
export async function saveRowCache(path: string, rows: ReadonlyMap<string, CachedRow>): Promise<void> {
  const kept: Record<string, CachedRow> = {};
  // Only rows JSON gives back exactly (yaml can yield values such as .inf or NaN that it cannot).
  for (const [key, row] of rows) if (isPlainJson(row)) kept[key] = row;
  let temp: string | null = null;
  try {
    temp = await writeTempFile(path, JSON.stringify({ stamp: await stampOfParser(), rows: kept } satisfies RowCacheFile));
    await rename(temp, path);
  } catch {
    if (temp !== null) await unlink(temp).catch(() => undefined);
  }
}

function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.entries(value).every(([key, entry]) => key !== '__proto__' && isPlainJson(entry));
}
