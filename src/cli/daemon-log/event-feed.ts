import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { auditPrinter, auditTone, followAuditLog, type AuditRecord } from '../../audit/index.js';
import { statePaths } from '../../config/paths.js';
import { PRIORITY, withPriority, type LogStyle } from './format.js';

/** After the daemon stops, how long the feed keeps reading so its last records (daemon.stopped) are shown. */
export const FEED_SETTLE_MS = 300;
const FEED_POLL_MS = 250;

/**
 * The readable event lines of a foreground daemon: each served repository's audit.jsonl, followed
 * from where it ended when the repository was opened, printed like `ccx logs -f`. While it serves
 * more than one repository, each line starts with its STATE_DIR's name, so T-3 of one is not
 * taken for T-3 of another.
 */
export class AuditFeed {
  private readonly stop = new AbortController();
  private readonly follows = new Map<string, Promise<unknown>>();
  private readonly print: (record: AuditRecord) => string;

  constructor(
    private readonly style: LogStyle,
    private readonly write: (text: string) => void,
  ) {
    this.print = auditPrinter({ color: style.color });
  }

  /** Follows one STATE_DIR's audit log from its current end (called before its daemon.started is written). */
  add(stateDir: string): void {
    if (this.follows.has(stateDir) || this.stop.signal.aborted) return;
    const path = statePaths(stateDir).audit;
    let fromOffset = 0;
    try {
      fromOffset = statSync(path).size;
    } catch {
      // No audit log yet: every record it gets is new.
    }
    const following = followAuditLog(path, {
      fromOffset,
      signal: this.stop.signal,
      pollMs: FEED_POLL_MS,
      onRecord: (record) => {
        const tone = auditTone(record);
        const text = this.print(record);
        this.write(withPriority(this.follows.size > 1 ? namedLine(text, basename(stateDir)) : text, tone === 'bad' || tone === 'warn' ? PRIORITY.warning : PRIORITY.info, this.style.journald));
      },
    }).catch((error: unknown) => this.write(`ccx daemon: stopped showing ${path}: ${error instanceof Error ? error.message : String(error)}\n`));
    this.follows.set(stateDir, following);
  }

  /** Shows what the last moments wrote, then stops following. */
  async close(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, FEED_SETTLE_MS));
    this.stop.abort();
    await Promise.all(this.follows.values());
  }
}

/** The printed record with the repository's name before its event line (after a day line, if any). */
export function namedLine(text: string, name: string): string {
  const start = text.lastIndexOf('\n', text.length - 2) + 1;
  return `${text.slice(0, start)}${name}  ${text.slice(start)}`;
}
