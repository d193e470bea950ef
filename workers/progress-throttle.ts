import type { FileProgress } from './protocol';

export type ProgressUpdate = Pick<FileProgress, 'file' | 'done'> & Partial<Pick<FileProgress, 'loaded' | 'total'>>;

/**
 * Keeps the latest byte counts per file and forwards them at most every `intervalMs` per file (downloads report
 * every network chunk, which would flood the page); a file's first and last report always go through.
 */
export class ProgressThrottle {
  private readonly latest = new Map<string, FileProgress>();
  private readonly sentAt = new Map<string, number>();

  constructor(
    private readonly send: (progress: FileProgress) => void,
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  report(update: ProgressUpdate | null): void {
    if (!update) return;
    const previous = this.latest.get(update.file);
    const total = update.total ?? previous?.total ?? 0;
    const next: FileProgress = {
      file: update.file,
      total,
      loaded: update.done ? Math.max(total, previous?.loaded ?? 0) : (update.loaded ?? previous?.loaded ?? 0),
      done: update.done,
    };
    this.latest.set(update.file, next);
    const last = this.sentAt.get(update.file);
    if (previous === undefined || next.done || last === undefined || this.now() - last >= this.intervalMs) {
      this.sentAt.set(update.file, this.now());
      this.send(next);
    }
  }

  /** Sends the latest state of every file whose last report was held back. */
  flush(): void {
    for (const progress of this.latest.values()) this.send(progress);
  }
}
