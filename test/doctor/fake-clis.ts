import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FAKE_CLI = fileURLToPath(new URL('./fixtures/fake-cli.mjs', import.meta.url));

/** Puts tiny executables named `tools` (git, claude, codex) into `bin`; each records nothing and answers per FAKE_* variables. */
export async function addFakeClis(bin: string, tools: readonly string[] = ['git', 'claude', 'codex']): Promise<void> {
  for (const tool of tools) {
    const path = join(bin, tool);
    await writeFile(path, `#!${process.execPath}\nimport(${JSON.stringify(FAKE_CLI)});\n`);
    await chmod(path, 0o755);
  }
}
