import { EngineError, type FileProgress, type LoadProgress } from '../../shared/protocol';
import { describeBytes } from './bytes';
import { downloadFile, type DownloadTarget } from './file-download';
import { fileKey, type ModelStore } from './model-store';
import { TransferMeter } from './transfer-meter';

export interface DownloadDeps {
  store: ModelStore;
  fetch: typeof fetch;
  /** Web Locks, so only one tab downloads a model; absent where the browser has none. */
  locks?: LockManager;
  estimate?: () => Promise<StorageEstimate>;
  now?: () => number;
}

export interface DownloadRequest {
  /** The model, e.g. "owner/name (q8)", for messages. */
  label: string;
  targets: DownloadTarget[];
  chunkBytes: number;
  stallMs?: number;
  signal: AbortSignal;
  onProgress: (progress: LoadProgress) => void;
  /** Runs once the files are known to fit, right before the first byte is fetched. */
  beforeDownload?: () => Promise<void>;
}

const REPORT_INTERVAL_MS = 200;
const POLL_OTHER_TAB_MS = 500;

/** One Web Lock per repository commit: two tabs never download the same files at once. */
export function downloadLockName(target: Pick<DownloadTarget, 'repo' | 'commit'>): string {
  return `airgap-chat download ${target.repo}@${target.commit}`;
}

/**
 * Makes sure every target is stored and verified. Downloads under the model's Web Lock; when another tab holds it,
 * shows that tab's progress (read from the store) and takes over whatever is left once it is done. Refuses before
 * downloading anything when the browser says the files cannot fit.
 */
export async function ensureDownloaded(request: DownloadRequest, deps: DownloadDeps): Promise<void> {
  const report = new ProgressReport(request, deps.now ?? (() => performance.now()));
  await report.readStored(deps.store);
  if (report.allDone()) return;
  const first = request.targets[0];
  if (!deps.locks || !first) {
    await downloadMissing(request, deps, report);
    return;
  }
  const name = downloadLockName(first);
  const gotLock = await deps.locks.request(name, { ifAvailable: true }, async (lock) => {
    if (!lock) return false;
    await downloadMissing(request, deps, report);
    return true;
  });
  if (gotLock) return;

  report.setPhase('waiting', 'This model is being downloaded in another tab; it will be used from there when done.');
  const polling = pollOtherTab(report, deps.store, request.signal);
  try {
    await deps.locks.request(name, { signal: request.signal }, () => {
      polling.stop();
      report.setPhase('downloading', null);
      return downloadMissing(request, deps, report);
    });
  } catch (error) {
    if (request.signal.aborted) throw new EngineError('cancelled', 'Cancelled.');
    throw error;
  } finally {
    polling.stop();
  }
}

async function downloadMissing(request: DownloadRequest, deps: DownloadDeps, report: ProgressReport): Promise<void> {
  // Another tab may have finished some files while this one waited.
  await report.readStored(deps.store);
  if (report.allDone()) return;
  await checkRoom(request, report, deps.estimate);
  await request.beforeDownload?.();
  for (const target of request.targets) {
    if (report.file(target).done) continue;
    await downloadFile(target, {
      store: deps.store,
      chunkBytes: request.chunkBytes,
      ...(request.stallMs ? { stallMs: request.stallMs } : {}),
      signal: request.signal,
      fetch: deps.fetch,
      onProgress: (loaded, received) => report.update(target, loaded, received),
      onNote: (note) => report.setNote(note),
    });
    report.finish(target);
  }
}

async function checkRoom(
  request: DownloadRequest,
  report: ProgressReport,
  estimate: DownloadDeps['estimate'],
): Promise<void> {
  if (!estimate) return;
  const needed = report.total - report.loaded;
  const { quota, usage } = await estimate();
  if (quota === undefined || usage === undefined) return;
  const free = Math.max(0, quota - usage);
  if (needed > free) {
    throw new EngineError(
      'storage-full',
      `${request.label} needs ${describeBytes(needed)} more storage, but the browser allows this site only ` +
        `${describeBytes(free)} more. Nothing was downloaded. Delete models you no longer need under Stored models, ` +
        'or free disk space, then load it again.',
    );
  }
}

function pollOtherTab(report: ProgressReport, store: ModelStore, signal: AbortSignal): { stop: () => void } {
  let stopped = false;
  const timer = setInterval(() => {
    if (!stopped && !signal.aborted) void report.readStored(store);
  }, POLL_OTHER_TAB_MS);
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/** The state of one download, sent to the page whole, at most every REPORT_INTERVAL_MS unless something changed. */
class ProgressReport {
  private phase: LoadProgress['phase'] = 'downloading';
  private note: string | null = null;
  private readonly files: FileProgress[];
  private readonly meter: TransferMeter;
  private sentAt = -Infinity;

  constructor(
    private readonly request: DownloadRequest,
    private readonly now: () => number,
  ) {
    this.files = request.targets.map((target) => ({ file: target.path, loaded: 0, total: target.size, done: false }));
    this.meter = new TransferMeter(now);
  }

  get loaded(): number {
    return this.files.reduce((sum, file) => sum + file.loaded, 0);
  }

  get total(): number {
    return this.files.reduce((sum, file) => sum + file.total, 0);
  }

  file(target: DownloadTarget): FileProgress {
    return this.files[this.request.targets.indexOf(target)];
  }

  allDone(): boolean {
    return this.files.every((file) => file.done);
  }

  /** Takes each file's stored bytes from its record: what an earlier run or another tab has written. */
  async readStored(store: ModelStore): Promise<void> {
    const before = this.loaded;
    for (const target of this.request.targets) {
      const record = await store.getFile(fileKey(target.repo, target.commit, target.path));
      const file = this.file(target);
      file.done = record?.complete === true && record.size === target.size;
      file.loaded = file.done ? target.size : (record?.bytes ?? 0);
    }
    // While another tab downloads, its progress in the store is the only measure of speed.
    if (this.phase === 'waiting' && this.loaded > before) this.meter.add(this.loaded - before);
    this.send(true);
  }

  update(target: DownloadTarget, loaded: number, received: number): void {
    this.file(target).loaded = loaded;
    if (received > 0) this.meter.add(received);
    this.send(false);
  }

  finish(target: DownloadTarget): void {
    Object.assign(this.file(target), { loaded: target.size, done: true });
    this.send(true);
  }

  setPhase(phase: LoadProgress['phase'], note: string | null): void {
    this.phase = phase;
    this.note = note;
    this.send(true);
  }

  /** A retry note switches to `retrying`; its end (null) back to `downloading`. */
  setNote(note: string | null): void {
    if (note !== this.note) this.setPhase(note === null ? 'downloading' : 'retrying', note);
  }

  private send(force: boolean): void {
    const now = this.now();
    if (!force && now - this.sentAt < REPORT_INTERVAL_MS) return;
    this.sentAt = now;
    const loaded = this.loaded;
    const total = this.total;
    this.request.onProgress({
      phase: this.phase,
      files: this.files.map((file) => ({ ...file })),
      loaded,
      total,
      bytesPerSecond: Math.round(this.meter.bytesPerSecond()),
      secondsLeft: this.phase === 'waiting' ? null : this.meter.secondsLeft(total - loaded),
      note: this.note,
    });
  }
}
