import type { FileProgress, LoadProgress as Progress } from '../../shared/protocol';
import { useApp } from '../store/context';
import { formatBytes, formatPercent, formatSeconds, formatSpeed, formatTimeLeft } from '../format';
import { describeBackend } from './BackendBadge';

function FileLine({ file }: { file: FileProgress }) {
  return (
    <li>
      <span className="file-name">{file.file}</span>
      <progress
        aria-label={`Download of ${file.file}`}
        value={file.total > 0 ? file.loaded : undefined}
        max={file.total > 0 ? file.total : undefined}
      />
      <span className="file-bytes">
        {file.done
          ? `${formatBytes(file.loaded)} — done`
          : file.total > 0
            ? `${formatBytes(file.loaded)} of ${formatBytes(file.total)} (${formatPercent(file.loaded, file.total)})`
            : 'starting…'}
      </span>
    </li>
  );
}

/** "12.5 MB/s · 40 s left" while bytes arrive; nothing when there is nothing to measure. */
function transferLine(progress: Progress, paused: boolean): string | null {
  if (paused) return 'Paused. What arrived is kept.';
  if (progress.phase === 'starting') return null;
  const parts: string[] = [];
  if (progress.bytesPerSecond > 0) parts.push(formatSpeed(progress.bytesPerSecond));
  if (progress.secondsLeft !== null && progress.secondsLeft > 0) parts.push(`${formatTimeLeft(progress.secondsLeft)} left`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** Download progress (overall and per file, speed, time left, Pause/Resume/Cancel), then what was loaded and how. */
export function LoadProgress() {
  const status = useApp((state) => state.loadStatus);
  const repo = useApp((state) => state.loadingRepo);
  const progress = useApp((state) => state.progress);
  const model = useApp((state) => state.model);
  const pauseLoad = useApp((state) => state.pauseLoad);
  const resumeLoad = useApp((state) => state.resumeLoad);
  const cancelLoad = useApp((state) => state.cancelLoad);
  const storedForOffline = useApp((state) => state.storedForOffline);
  const stored = storedForOffline && <p role="status">{storedForOffline} is stored: it loads from this browser, also offline.</p>;

  if (status === 'loading' || status === 'paused') {
    const paused = status === 'paused';
    const transfer = progress && transferLine(progress, paused);
    const downloading = progress !== null && progress.phase !== 'starting';
    return (
      <section className="load-progress" aria-label="Loading progress">
        <p role="status">
          Loading {repo}…{' '}
          {progress &&
            progress.total > 0 &&
            `${formatBytes(progress.loaded)} of ${formatBytes(progress.total)} ${formatPercent(progress.loaded, progress.total)}`}
        </p>
        {transfer && <p className="transfer">{transfer}</p>}
        {progress?.note && !paused && <p className="load-note">{progress.note}</p>}
        {progress && progress.files.length > 0 && (
          <ul>
            {progress.files.map((file) => (
              <FileLine key={file.file} file={file} />
            ))}
          </ul>
        )}
        <div className="load-actions">
          {paused ? (
            <button type="button" onClick={() => void resumeLoad()}>
              Resume
            </button>
          ) : (
            <button type="button" onClick={pauseLoad} disabled={!downloading}>
              Pause
            </button>
          )}
          <button type="button" onClick={cancelLoad}>
            Cancel
          </button>
        </div>
      </section>
    );
  }
  if (status === 'ready' && model) {
    return (
      <section className="load-progress" aria-label="Loaded model">
        <p role="status">
          Loaded {model.repo} on {describeBackend(model)} in {formatSeconds(model.loadMs)}.
        </p>
        {stored}
        {model.fallbacks.length > 0 && (
          <details>
            <summary>Tried first</summary>
            <ul>
              {model.fallbacks.map((fallback) => (
                <li key={fallback}>{fallback}</li>
              ))}
            </ul>
          </details>
        )}
      </section>
    );
  }
  return stored ? (
    <section className="load-progress" aria-label="Stored for offline use">
      {stored}
    </section>
  ) : null;
}
