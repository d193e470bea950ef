import type { DtypeOffer, FileProgress, LoadedModel } from '../../workers/protocol';
import { isModelAllowed } from '../config';
import { withHubFallback } from '../hub-fallback';
import type { SliceCreator } from './types';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface Inspection {
  status: 'loading' | 'ready' | 'error';
  offers: DtypeOffer[];
}

export interface ModelSlice {
  /** The text in the "Hugging Face model id" field. */
  modelId: string;
  loadStatus: LoadStatus;
  /** The repository being loaded or last loaded. */
  loadingRepo: string | null;
  files: FileProgress[];
  model: LoadedModel | null;
  /** What each repository offers, as the hub reported it, by repo id. */
  inspections: Record<string, Inspection>;
  setModelId: (modelId: string) => void;
  inspect: (repo: string) => Promise<void>;
  loadModel: () => Promise<void>;
  cancelLoad: () => void;
  /** The engine restarted after a crash and lost its model. */
  engineLost: () => void;
}

function upsertProgress(files: FileProgress[], progress: FileProgress): FileProgress[] {
  const index = files.findIndex((file) => file.file === progress.file);
  if (index === -1) return [...files, progress];
  const next = files.slice();
  next[index] = progress;
  return next;
}

export const createModelSlice: SliceCreator<ModelSlice> =
  ({ engine, config }) =>
  (set, get) => {
    let loadController: AbortController | null = null;

    return {
      modelId: config.defaultModel ?? '',
      loadStatus: 'idle',
      loadingRepo: null,
      files: [],
      model: null,
      inspections: {},
      setModelId: (modelId) => set({ modelId }),

      inspect: async (repo) => {
        const known = get().inspections[repo];
        if (known && known.status !== 'error') return;
        const setInspection = (inspection: Inspection) =>
          set((state) => ({ inspections: { ...state.inspections, [repo]: inspection } }));
        setInspection({ status: 'loading', offers: [] });
        try {
          const result = await withHubFallback(config.hubUrls, (hubUrl) => engine.call('inspect', { hubUrl, repo, revision: 'main' }));
          setInspection({ status: 'ready', offers: result.offers });
        } catch {
          // Sizes are a nicety: the catalog's own figures stay, and loading reports any real problem.
          setInspection({ status: 'error', offers: [] });
        }
      },

      loadModel: async () => {
        const repo = get().modelId.trim();
        if (!repo) {
          get().reportError(new Error('Type a Hugging Face model id (owner/name) or pick a model from the list.'));
          return;
        }
        if (!isModelAllowed(config, repo)) {
          get().reportError(new Error(`“${repo}” is not one of the models this deployment allows. Pick one from the list.`));
          return;
        }
        if (get().generating) get().stopGeneration();
        loadController?.abort();
        const controller = new AbortController();
        loadController = controller;
        set({ loadStatus: 'loading', loadingRepo: repo, files: [], model: null });
        try {
          const model = await withHubFallback(config.hubUrls, (hubUrl) =>
            engine.call(
              'load',
              { hubUrl, repo, revision: 'main', device: get().devicePreference, dtype: get().dtypePreference },
              {
                signal: controller.signal,
                onProgress: (progress) => set((state) => ({ files: upsertProgress(state.files, progress) })),
              },
            ),
          );
          if (loadController === controller) set({ loadStatus: 'ready', model });
        } catch (error) {
          if (loadController !== controller) return;
          set({ loadStatus: controller.signal.aborted ? 'idle' : 'error' });
          get().reportError(error);
        } finally {
          if (loadController === controller) loadController = null;
        }
      },

      cancelLoad: () => {
        loadController?.abort();
      },

      engineLost: () => set({ loadStatus: 'idle', model: null, files: [] }),
    };
  };
