import { createRequire } from 'node:module';
import type * as YamlPackage from 'yaml';

type Yaml = typeof YamlPackage;

let loaded: Yaml | undefined;

/**
 * The yaml package, loaded on first use. It is some 40 ms of module loading, and a command that only
 * reads an ordinary board (`ccx tasks`, `ccx status`) never needs it: the line scanner reads the rows,
 * and the model ladder and row rendering call for yaml only when there is a file or a write.
 * yaml resolves to the same CommonJS build for `import` and `require`, so this is the one instance.
 */
export function yamlModule(): Yaml {
  loaded ??= createRequire(import.meta.url)('yaml') as Yaml;
  return loaded;
}
