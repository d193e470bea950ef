import { useEffect, useState } from 'react';
import type { StorageReport, StoredModel } from '../../shared/protocol';
import { useApp } from '../store/context';
import { formatBytes, formatLastUsed, formatPercent } from '../format';

function shortCommit(model: StoredModel): string {
  return /^[0-9a-f]{40}$/.test(model.commit) ? model.commit.slice(0, 7) : model.commit;
}

function persistenceLine(persisted: boolean | null): string {
  if (persisted === null) return 'The browser does not say whether it keeps this storage.';
  return persisted
    ? 'Storage is persistent: the browser keeps these models even when disk space runs low.'
    : 'Storage is not persistent: the browser may remove these models when disk space runs low.';
}

const IN_MEMORY_LINE =
  'Kept in memory for this visit only: this browser does not let the app store models here, so they are gone when ' +
  'this tab closes.';

function usageLine({ usage, quota }: StorageReport): string {
  return usage !== null && quota !== null
    ? `${formatBytes(usage)} used of ${formatBytes(quota)} available to this site.`
    : 'The browser does not say how much storage this site may use.';
}

function stateOf(model: StoredModel): string {
  if (model.complete) return 'complete';
  return `partial: ${formatBytes(model.storedBytes)} stored (${formatPercent(model.storedBytes, model.bytes) || '0%'})`;
}

/** Asks the hub, on request only, whether the model's revision has moved on, and offers the newer one. */
function RevisionCheckView({ model }: { model: StoredModel }) {
  const check = useApp((state) => state.revisionChecks[model.id]);
  const checkForNewerRevision = useApp((state) => state.checkForNewerRevision);
  const loadLatestRevision = useApp((state) => state.loadLatestRevision);
  const busy = useApp((state) => state.loadStatus === 'loading' || state.generating);
  return (
    <div className="revision-check">
      <button
        type="button"
        className="quiet"
        aria-label={`Check ${model.repo} (${model.dtype}) for a newer revision`}
        disabled={check?.status === 'checking'}
        onClick={() => void checkForNewerRevision(model)}
      >
        Check for updates
      </button>
      <span role="status">
        {check?.status === 'checking' && 'Asking the hub…'}
        {check?.status === 'current' && 'This is the newest revision.'}
        {check?.status === 'failed' && check.message}
        {check?.status === 'newer' && `A newer revision is on the hub (${check.commit.slice(0, 7)}).`}
      </span>
      {check?.status === 'newer' && (
        <button type="button" disabled={busy} onClick={() => void loadLatestRevision(model.repo)}>
          Download the newer revision
        </button>
      )}
    </div>
  );
}

function ModelItem({ model, onDelete }: { model: StoredModel; onDelete: () => void }) {
  return (
    <li>
      <div className="stored-model">
        <strong>{model.repo}</strong> · {model.dtype}
        <span className="muted">
          {formatBytes(model.bytes)} · {stateOf(model)} · {model.revision} @ {shortCommit(model)} · last used{' '}
          {formatLastUsed(model.lastUsed)}
        </span>
        <RevisionCheckView model={model} />
      </div>
      <button type="button" className="quiet" aria-label={`Delete ${model.repo} (${model.dtype})`} onClick={onDelete}>
        Delete
      </button>
    </li>
  );
}

/** The models waiting for the download under way to end, each of which can be taken off the queue. */
function DownloadQueue() {
  const queue = useApp((state) => state.downloadQueue);
  const unqueue = useApp((state) => state.unqueueDownload);
  if (queue.length === 0) return null;
  return (
    <>
      <h3 id="download-queue-heading">Waiting to download</h3>
      <ol className="stored-list" aria-labelledby="download-queue-heading">
        {queue.map((repo) => (
          <li key={repo}>
            <div className="stored-model">
              <strong>{repo}</strong> <span className="muted">· starts after the download under way</span>
            </div>
            <button type="button" className="quiet" aria-label={`Take ${repo} off the queue`} onClick={() => unqueue(repo)}>
              Remove
            </button>
          </li>
        ))}
      </ol>
    </>
  );
}

/** Every model kept in this browser, what it takes, and the way to delete one or (after a confirmation) all. */
export function StoredModels() {
  const storage = useApp((state) => state.storage);
  const persisted = useApp((state) => state.persisted);
  const refresh = useApp((state) => state.refreshStorage);
  const deleteStoredModels = useApp((state) => state.deleteStoredModels);
  const [confirmingDeleteAll, setConfirmingDeleteAll] = useState(false);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const models = storage?.models ?? [];
  return (
    <section className="stored-models" aria-labelledby="stored-models-heading">
      <h2 id="stored-models-heading">Stored models</h2>
      {storage && (
        <p role="status" aria-label="Storage use">
          {storage.inMemory ? IN_MEMORY_LINE : `${usageLine(storage)} ${persistenceLine(persisted)}`}
        </p>
      )}
      <DownloadQueue />
      {models.length === 0 ? (
        <p className="muted">No models are stored yet. A model is kept here after its first download.</p>
      ) : (
        <ul className="stored-list">
          {models.map((model) => (
            <ModelItem key={model.id} model={model} onDelete={() => void deleteStoredModels(model.id)} />
          ))}
        </ul>
      )}
      {confirmingDeleteAll && models.length > 0 ? (
        <div className="stored-actions" role="group" aria-label="Confirm deleting all stored models">
          <p>Delete all {models.length} stored models? They would have to be downloaded again.</p>
          <button
            type="button"
            onClick={() => {
              setConfirmingDeleteAll(false);
              void deleteStoredModels(null);
            }}
          >
            Yes, delete all
          </button>
          <button type="button" className="quiet" onClick={() => setConfirmingDeleteAll(false)}>
            Keep them
          </button>
        </div>
      ) : (
        <div className="stored-actions">
          <button type="button" className="quiet" onClick={() => void refresh()}>
            Refresh
          </button>
          {models.length > 0 && (
            <button type="button" className="quiet" onClick={() => setConfirmingDeleteAll(true)}>
              Delete all
            </button>
          )}
        </div>
      )}
    </section>
  );
}
