import type { FormEvent } from 'react';
import { useApp, useConfig } from '../store/context';
import type { DtypeOffer, Dtype } from '../../shared/protocol';
import { formatBytes } from '../format';

function sizeSummary(offers: DtypeOffer[] | undefined, fallback: Partial<Record<Dtype, number>> | undefined): string {
  const entries: [string, number][] = offers?.length
    ? offers.map((offer) => [offer.dtype, offer.bytes])
    : Object.entries(fallback ?? {});
  return entries.map(([dtype, bytes]) => `${dtype} ${formatBytes(bytes)}`).join(' · ');
}

/** Choose a model from the catalog or type any repository id, then load it. `compact` leaves out the catalog. */
export function ModelPicker({ compact = false }: { compact?: boolean }) {
  const { catalog } = useConfig();
  const modelId = useApp((state) => state.modelId);
  const setModelId = useApp((state) => state.setModelId);
  const inspections = useApp((state) => state.inspections);
  const inspect = useApp((state) => state.inspect);
  const loadModel = useApp((state) => state.loadModel);
  const downloadModel = useApp((state) => state.downloadModel);
  const loading = useApp((state) => state.loadStatus === 'loading');
  const queued = useApp((state) => state.downloadQueue.includes(state.modelId.trim()));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void loadModel();
  };
  const typedInspection = inspections[modelId.trim()];
  const inCatalog = catalog.some((entry) => entry.id === modelId.trim());

  return (
    <form className="model-picker" onSubmit={onSubmit} aria-label="Choose a model">
      {!compact && catalog.length > 0 && (
        <fieldset>
          <legend>Models</legend>
          {catalog.map((entry) => {
            const sizes = sizeSummary(inspections[entry.id]?.offers, entry.sizes);
            return (
              <label key={entry.id} className="catalog-entry">
                <input
                  type="radio"
                  name="catalog"
                  value={entry.id}
                  checked={modelId.trim() === entry.id}
                  onChange={() => {
                    setModelId(entry.id);
                    // Exact sizes come from the hub, asked only once a model is chosen: opening the app is silent.
                    void inspect(entry.id);
                  }}
                />
                <span>
                  <strong>{entry.label}</strong>
                  {entry.description && <span className="muted"> — {entry.description}</span>}
                  {sizes && <span className="sizes">{sizes}</span>}
                </span>
              </label>
            );
          })}
        </fieldset>
      )}
      <label htmlFor="model-id">Hugging Face model id</label>
      <input
        id="model-id"
        type="text"
        value={modelId}
        placeholder="owner/name"
        autoComplete="off"
        spellCheck={false}
        onChange={(event) => setModelId(event.target.value)}
      />
      {!inCatalog && typedInspection?.status === 'ready' && (
        <p className="sizes">{sizeSummary(typedInspection.offers, undefined)}</p>
      )}
      <div className="model-actions">
        <button type="submit" disabled={loading}>
          Load model
        </button>
        {!compact && (
          // Pressed while another model downloads, it queues this one (Stored models lists the queue).
          <button type="button" className="secondary" disabled={queued} onClick={() => void downloadModel()}>
            Download for offline use
          </button>
        )}
      </div>
      {queued && (
        <p role="status" className="muted">
          {modelId.trim()} is queued: it downloads after the download under way.
        </p>
      )}
    </form>
  );
}
