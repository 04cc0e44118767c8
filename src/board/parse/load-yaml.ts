import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;

/**
 * The yaml package, loaded on first use: the row scanner reads everyday rows without it, so a command
 * that reads an ordinary board never pays for loading it. yaml ships CommonJS, and require() gives the
 * same module instance an ESM import of it does.
 */
export function yaml(): typeof Yaml {
  loaded ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return loaded;
}
