import { useEffect } from 'react';
import type { StoredModel } from '../../workers/protocol';
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

function ModelRow({ model, onDelete }: { model: StoredModel; onDelete: () => void }) {
  const name = `${model.repo} (${model.dtype})`;
  return (
    <tr>
      <th scope="row">
        {model.repo}
        <span className="muted">
          {' '}
          {model.revision} @ {shortCommit(model)}
        </span>
      </th>
      <td>{model.dtype}</td>
      <td>{formatBytes(model.bytes)}</td>
      <td>
        {model.complete
          ? 'complete'
          : `partial, ${formatBytes(model.storedBytes)} (${formatPercent(model.storedBytes, model.bytes) || '0%'})`}
      </td>
      <td>{formatLastUsed(model.lastUsed)}</td>
      <td>
        <button type="button" className="quiet" aria-label={`Delete ${name}`} onClick={onDelete}>
          Delete
        </button>
      </td>
    </tr>
  );
}

/** Every model kept in this browser, what it takes, and the way to delete one or all. */
export function StoredModels() {
  const storage = useApp((state) => state.storage);
  const persisted = useApp((state) => state.persisted);
  const refresh = useApp((state) => state.refreshStorage);
  const deleteStoredModels = useApp((state) => state.deleteStoredModels);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const models = storage?.models ?? [];
  return (
    <section className="stored-models" aria-labelledby="stored-models-heading">
      <h2 id="stored-models-heading">Stored models</h2>
      {storage && (
        <p role="status" aria-label="Storage use">
          {storage.usage !== null && storage.quota !== null
            ? `${formatBytes(storage.usage)} used of ${formatBytes(storage.quota)} available to this site.`
            : 'The browser does not say how much storage this site may use.'}{' '}
          {persistenceLine(persisted)}
        </p>
      )}
      {models.length === 0 ? (
        <p className="muted">No models are stored yet. A model is kept here after its first download.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">dtype</th>
              <th scope="col">Size</th>
              <th scope="col">Stored</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <ModelRow key={model.id} model={model} onDelete={() => void deleteStoredModels(model.id)} />
            ))}
          </tbody>
        </table>
      )}
      <div className="stored-actions">
        <button type="button" className="quiet" onClick={() => void refresh()}>
          Refresh
        </button>
        {models.length > 0 && (
          <button type="button" onClick={() => void deleteStoredModels(null)}>
            Delete all
          </button>
        )}
      </div>
    </section>
  );
}
