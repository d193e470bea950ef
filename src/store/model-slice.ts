import type { DtypeOffer, LoadedModel, LoadProgress } from '../../workers/protocol';
import { isModelAllowed } from '../config';
import { withHubFallback } from '../hub-fallback';
import { requestPersistentStorage } from '../storage-persistence';
import type { SliceCreator } from './types';

/** `paused`: the download stopped at the person's request and continues from where it was with resumeLoad. */
export type LoadStatus = 'idle' | 'loading' | 'paused' | 'ready' | 'error';

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
  /** The latest progress of the running (or paused) load. */
  progress: LoadProgress | null;
  model: LoadedModel | null;
  /** What each repository offers, as the hub reported it, by repo id. */
  inspections: Record<string, Inspection>;
  setModelId: (modelId: string) => void;
  inspect: (repo: string) => Promise<void>;
  loadModel: () => Promise<void>;
  /** Loads the newest revision the hub has of a stored model, downloading it next to the stored one. */
  loadLatestRevision: (repo: string) => Promise<void>;
  /** Stops the download and keeps what arrived; resumeLoad continues from there. */
  pauseLoad: () => void;
  resumeLoad: () => Promise<void>;
  cancelLoad: () => void;
  /** The engine restarted after a crash and lost its model. */
  engineLost: () => void;
}

export const createModelSlice: SliceCreator<ModelSlice> =
  ({ engine, config }) =>
  (set, get) => {
    let loadController: AbortController | null = null;
    let pausing = false;

    const loadRepo = async (repo: string, refresh = false) => {
      if (get().generating) get().stopGeneration();
      loadController?.abort();
      const controller = new AbortController();
      loadController = controller;
      pausing = false;
      // A resumed download keeps showing where it stood until the worker reports again.
      const resuming = get().loadStatus === 'paused' && get().loadingRepo === repo;
      set({ loadStatus: 'loading', loadingRepo: repo, model: null, ...(resuming ? {} : { progress: null }) });
      // Asked once, on the first load: a download is what makes persistent storage worth having.
      void requestPersistentStorage().then((persisted) => {
        if (persisted !== null) get().setPersisted(persisted);
      });
      try {
        const model = await withHubFallback(config.hubUrls, (hubUrl) =>
          engine.call(
            'load',
            {
              hubUrl,
              repo,
              revision: 'main',
              device: get().devicePreference,
              dtype: get().dtypePreference,
              ...(config.downloadChunkBytes ? { chunkBytes: config.downloadChunkBytes } : {}),
              ...(config.downloadStallSeconds ? { stallSeconds: config.downloadStallSeconds } : {}),
              ...(refresh ? { refresh } : {}),
            },
            { signal: controller.signal, onProgress: (progress) => set({ progress }) },
          ),
        );
        // On a narrow screen the side panel folds away, so the chat is in view.
        if (loadController === controller) set({ loadStatus: 'ready', model, progress: null, panelOpen: false });
      } catch (error) {
        if (loadController !== controller) return;
        if (controller.signal.aborted) {
          set(pausing ? { loadStatus: 'paused' } : { loadStatus: 'idle', progress: null });
        } else {
          set({ loadStatus: 'error', progress: null });
          get().reportError(error);
        }
      } finally {
        if (loadController === controller) loadController = null;
        // What is stored changed (a download finished, stopped or failed part-way).
        void get().refreshStorage();
      }
    };

    return {
      modelId: config.defaultModel ?? '',
      loadStatus: 'idle',
      loadingRepo: null,
      progress: null,
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
          const result = await engine.call('inspect', { hubUrl: config.hubUrl, repo, revision: 'main' });
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
        await loadRepo(repo);
      },

      loadLatestRevision: async (repo) => {
        set({ modelId: repo });
        await loadRepo(repo, true);
      },

      pauseLoad: () => {
        if (!loadController) return;
        pausing = true;
        loadController.abort();
      },

      resumeLoad: async () => {
        const repo = get().loadingRepo;
        if (get().loadStatus === 'paused' && repo) await loadRepo(repo);
      },

      cancelLoad: () => {
        loadController?.abort();
        if (get().loadStatus === 'paused') set({ loadStatus: 'idle', progress: null });
      },

      engineLost: () => set({ loadStatus: 'idle', model: null, progress: null }),
    };
  };
