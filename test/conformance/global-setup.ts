import { CLAUDES, CODEXES, NOT_INSTALLED, conformanceDir } from './clis.js';

/** Says once, for the whole run, which real CLIs (pinned and latest releases) the conformance suite runs against, and why any is skipped. */
export default function setup(): void {
  const running = [...CLAUDES.map((cli) => `claude ${cli.version} (${cli.release})`), ...CODEXES.map((cli) => `codex ${cli.version} (${cli.release})`)];
  if (running.length > 0) process.stdout.write(`\n[conformance] running against ${running.join(', ')} from ${conformanceDir()}\n`);
  for (const reason of NOT_INSTALLED) process.stdout.write(`[conformance] skipped: ${reason} (each release is about 550 MB, kept outside the project).\n`);
  process.stdout.write('\n');
}
