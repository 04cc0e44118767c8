import { CLAUDE, CODEX, INSTALL_COMMAND, PINNED, conformanceDir } from './clis.js';

/** Says once, for the whole run, whether the real-CLI conformance suite runs or is skipped. */
export default function setup(): void {
  const missing = [CLAUDE === undefined ? `claude ${PINNED.claude}` : undefined, CODEX === undefined ? `codex ${PINNED.codex}` : undefined].filter(Boolean);
  if (missing.length > 0) {
    process.stdout.write(`\n[conformance] skipped for ${missing.join(' and ')}: not installed (at that version) in ${conformanceDir()}. Run \`${INSTALL_COMMAND}\` to install the pinned CLIs there (about 550 MB, outside the project).\n\n`);
  } else {
    process.stdout.write(`\n[conformance] running against claude ${CLAUDE?.version ?? ''} and codex ${CODEX?.version ?? ''} from ${conformanceDir()}\n\n`);
  }
}
