import { writeFileAtomic } from '../../fs/atomic-write.js';
import { renderStatus } from '../../status/render.js';
import type { DaemonStatus, RepoStatus } from '../../status/types.js';

/** STATUS.md is rewritten at most this often (SPEC: once a second); an idle daemon does not rewrite it. */
export const STATUS_MIN_INTERVAL_MS = 1_000;

/** Writes STATUS.md and status.json (for `ccx status`) when something changed, at most once a second. */
export class StatusWriter {
  private lastWrite = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastText = '';

  constructor(
    private readonly paths: { status: string; statusJson: string },
    private readonly snapshot: () => { daemon: DaemonStatus; repo: RepoStatus },
    private readonly onError: (error: unknown) => void,
  ) {}

  schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastWrite + STATUS_MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write()).catch(this.onError);
    }, wait);
  }

  /** Writes now (at shutdown), after any write under way. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    await this.write().catch(this.onError);
  }

  private async write(): Promise<void> {
    const { daemon, repo } = this.snapshot();
    const json = `${JSON.stringify({ daemon, repo }, null, 2)}\n`;
    if (json === this.lastText) return;
    this.lastText = json;
    this.lastWrite = Date.now();
    await writeFileAtomic(this.paths.status, renderStatus(daemon, repo));
    await writeFileAtomic(this.paths.statusJson, json);
  }
}
