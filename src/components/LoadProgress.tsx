import { useApp } from '../store/context';
import { formatBytes, formatPercent, formatSeconds } from '../format';
import { describeBackend } from './BackendBadge';

/** Per-file download progress while loading, then what was loaded and how. */
export function LoadProgress() {
  const status = useApp((state) => state.loadStatus);
  const repo = useApp((state) => state.loadingRepo);
  const files = useApp((state) => state.files);
  const model = useApp((state) => state.model);
  const cancelLoad = useApp((state) => state.cancelLoad);

  if (status === 'loading') {
    const loaded = files.reduce((sum, file) => sum + file.loaded, 0);
    const total = files.reduce((sum, file) => sum + file.total, 0);
    return (
      <section className="load-progress" aria-label="Loading progress">
        <p role="status">
          Loading {repo}… {total > 0 && `${formatBytes(loaded)} of ${formatBytes(total)} ${formatPercent(loaded, total)}`}
        </p>
        <ul>
          {files.map((file) => (
            <li key={file.file}>
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
          ))}
        </ul>
        <button type="button" onClick={cancelLoad}>
          Cancel loading
        </button>
      </section>
    );
  }
  if (status === 'ready' && model) {
    return (
      <section className="load-progress" aria-label="Loaded model">
        <p role="status">
          Loaded {model.repo} on {describeBackend(model)} in {formatSeconds(model.loadMs)}.
        </p>
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
  return null;
}
