import { EngineError, type DtypeOffer, type LoadedModel, type LoadProgress } from '../../shared/protocol';
import { isModelAllowed } from '../config';
import { withHubFallback } from '../hub-fallback';
import { requestPersistentStorage } from '../storage-persistence';
import { messageFor } from './notice-slice';
import type { SliceCreator } from './types';

/** `paused`: the download stopped at the person's request and continues from where it was with resumeLoad. */
export type LoadStatus = 'idle' | 'loading' | 'paused' | 'ready' | 'error';

/**
 * How a load, or a download for offline use, ended, for whoever asked for it: `stopped` when paused, cancelled or
 * replaced by another load; `failed` with what the notice says.
 */
export type LoadOutcome =
  | { status: 'ready'; model: LoadedModel }
  | { status: 'stored' }
  | { status: 'queued' }
  | { status: 'stopped' }
  | { status: 'failed'; message: string };

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
  /** Loads the model named in the model id field; `storedOnly` refuses one that would need a download. */
  loadModel: (options?: { storedOnly?: boolean }) => Promise<LoadOutcome>;
  /** Loads a model exactly as it was loaded before (device and dtype) from storage, never downloading. */
  reloadModel: (model: Pick<LoadedModel, 'repo' | 'device' | 'dtype'>) => Promise<LoadOutcome>;
  /** Downloads the model named in the model id field into storage, for offline use, without loading it. */
  downloadModel: () => Promise<LoadOutcome>;
  /** The model the last storage-only download stored, until the next load or download starts. */
  storedForOffline: string | null;
  /**
   * Models waiting to be downloaded for offline use, in order: asked for while another download or load was running.
   * One download runs at a time; the next starts when it ends, however it ends.
   */
  downloadQueue: string[];
  /** Takes a model off the download queue before its download starts. */
  unqueueDownload: (repo: string) => void;
  /** Loads the newest revision the hub has of a stored model, downloading it next to the stored one. */
  loadLatestRevision: (repo: string) => Promise<LoadOutcome>;
  /** Stops the download and keeps what arrived; resumeLoad continues from there. */
  pauseLoad: () => void;
  resumeLoad: () => Promise<LoadOutcome>;
  cancelLoad: () => void;
  /**
   * The engine's worker crashed or hung and was replaced; the model it held is gone. A loaded model is loaded again
   * from the store, unless it stopped the engine twice in a row. When its GPU device was lost (`gpuLost`), it is
   * loaded on WebGPU again once, and after a second loss on WASM.
   */
  engineLost: (reason: string, cause?: { gpuLost: boolean }) => void;
  /** A reply finished: the loaded model is not the one bringing the engine down. */
  replyFinished: () => void;
}

/** Engine stops in a row while one model was loaded, with no finished reply in between, after which it stays unloaded. */
const MAX_STOPS_IN_A_ROW = 2;

const TRY_SMALLER = 'Try smaller weights (Weights (dtype) in Settings, such as q4 or q4f16), a lower context limit, or a smaller model.';

export const createModelSlice: SliceCreator<ModelSlice> =
  ({ engine, config }) =>
  (set, get) => {
    let loadController: AbortController | null = null;
    let pausing = false;
    /** Whether the running (or paused) download is for storage only, so Resume does not load the model. */
    let storingOnly = false;
    let stopsInARow = { repo: '', count: 0 };
    /** GPU devices lost under one model since it was last loaded by hand. */
    let gpuLosses = { repo: '', count: 0 };

    /** Shows what went wrong, and says it to whoever asked. */
    const reportFailure = (error: unknown): LoadOutcome => {
      get().reportError(error);
      return { status: 'failed', message: messageFor(error) };
    };

    /** Where the app stands once a load stopped: the model still loaded (if one is) stays usable. */
    const afterStop = (failed: boolean) => ({ loadStatus: get().model ? ('ready' as const) : failed ? ('error' as const) : ('idle' as const), progress: null });

    /**
     * `pin`: load exactly this device and dtype (a reload after a crash), whatever the preferences say. While a model
     * is loaded, the new one is downloaded first and the loaded one keeps answering; it makes way only once the new one
     * is stored (a reply it is still writing then stops, kept as it is).
     */
    const loadRepo = async (
      repo: string,
      {
        refresh = false,
        pin,
        storedOnly = false,
        storeOnly = false,
      }: { refresh?: boolean; pin?: Pick<LoadedModel, 'device' | 'dtype'>; storedOnly?: boolean; storeOnly?: boolean } = {},
    ): Promise<LoadOutcome> => {
      loadController?.abort();
      const controller = new AbortController();
      loadController = controller;
      pausing = false;
      storingOnly = storeOnly;
      const keepCurrent = get().model !== null;
      // A resumed download keeps showing where it stood until the worker reports again.
      const resuming = get().loadStatus === 'paused' && get().loadingRepo === repo;
      set({ loadStatus: 'loading', loadingRepo: repo, storedForOffline: null, ...(resuming ? {} : { progress: null }) });
      // Asked once, on the first load: a download is what makes persistent storage worth having.
      void requestPersistentStorage().then((persisted) => {
        if (persisted !== null) get().setPersisted(persisted);
      });
      const options = { signal: controller.signal, onProgress: (progress: LoadProgress) => set({ progress }) };
      try {
        const model = await withHubFallback(config.hubUrls, async (hubUrl) => {
          const params = {
            hubUrl,
            repo,
            revision: 'main',
            device: pin?.device ?? get().devicePreference,
            dtype: pin?.dtype ?? get().dtypePreference,
            ...(config.downloadChunkBytes ? { chunkBytes: config.downloadChunkBytes } : {}),
            ...(config.downloadStallSeconds ? { stallSeconds: config.downloadStallSeconds } : {}),
            ...(config.modelMemoryBytes ? { memoryLimitBytes: config.modelMemoryBytes } : {}),
            ...(refresh ? { refresh } : {}),
            ...(storedOnly ? { storedOnly } : {}),
          };
          if (keepCurrent || storeOnly) await engine.call('download', params, options);
          if (storeOnly) return null;
          if (!controller.signal.aborted) {
            if (get().generating) get().stopGeneration();
            set({ model: null });
          }
          return engine.call('load', params, options);
        });
        if (loadController !== controller) return { status: 'stopped' };
        // On a narrow screen the side panel folds away, so the chat is in view.
        set(model ? { loadStatus: 'ready', model, progress: null, panelOpen: false } : { ...afterStop(false), storedForOffline: repo });
        if (!model) return { status: 'stored' };
        // Files attached before this model was loaded are measured against its context now.
        get().prepareFiles();
        return { status: 'ready', model };
      } catch (error) {
        if (loadController !== controller) return { status: 'stopped' };
        if (controller.signal.aborted) {
          set(pausing ? { loadStatus: 'paused' } : afterStop(false));
          return { status: 'stopped' };
        }
        set(afterStop(true));
        const engineStopped = error instanceof EngineError && error.code === 'engine-stopped';
        return reportFailure(
          !engineStopped
            ? error
            : storeOnly
              ? new Error(`${error.message} It happened while downloading ${repo}; what arrived is kept, so downloading it again finishes it.`)
              : new Error(`${error.message} It happened while loading ${repo}, which often means the model needs more memory than this tab has. ${TRY_SMALLER}`),
        );
      } finally {
        if (loadController === controller) loadController = null;
        // What is stored changed (a download finished, stopped or failed part-way).
        void get().refreshStorage();
        startQueuedDownload();
      }
    };

    /** The next queued download, once nothing else is downloading or loading (a paused download holds its place). */
    const startQueuedDownload = () => {
      const [next, ...rest] = get().downloadQueue;
      if (!next || loadController || get().loadStatus === 'loading' || get().loadStatus === 'paused') return;
      set({ downloadQueue: rest });
      void loadRepo(next, { storeOnly: true });
    };

    return {
      modelId: config.defaultModel ?? '',
      loadStatus: 'idle',
      loadingRepo: null,
      progress: null,
      model: null,
      storedForOffline: null,
      downloadQueue: [],
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

      loadModel: async ({ storedOnly = false } = {}) => {
        const repo = get().modelId.trim();
        gpuLosses = { repo: '', count: 0 };
        if (!repo) return reportFailure(new Error('Type a Hugging Face model id (owner/name) or pick a model from the list.'));
        if (!isModelAllowed(config, repo)) {
          return reportFailure(new Error(`“${repo}” is not one of the models this deployment allows. Pick one from the list.`));
        }
        return loadRepo(repo, { storedOnly });
      },

      reloadModel: async (model) => {
        if (!isModelAllowed(config, model.repo)) {
          return { status: 'failed', message: `${model.repo} is no longer a model this deployment allows.` };
        }
        set({ modelId: model.repo });
        return loadRepo(model.repo, { pin: model, storedOnly: true });
      },

      downloadModel: async () => {
        const repo = get().modelId.trim();
        if (!repo || !isModelAllowed(config, repo)) return get().loadModel(); // the same messages as a load
        const { loadStatus, loadingRepo, downloadQueue } = get();
        if (loadStatus === 'loading' || loadStatus === 'paused') {
          if (repo !== loadingRepo && !downloadQueue.includes(repo)) set({ downloadQueue: [...downloadQueue, repo] });
          return { status: 'queued' };
        }
        return loadRepo(repo, { storeOnly: true });
      },

      unqueueDownload: (repo) => set((state) => ({ downloadQueue: state.downloadQueue.filter((queued) => queued !== repo) })),

      loadLatestRevision: async (repo) => {
        set({ modelId: repo });
        return loadRepo(repo, { refresh: true });
      },

      pauseLoad: () => {
        if (!loadController) return;
        pausing = true;
        loadController.abort();
      },

      resumeLoad: async () => {
        const repo = get().loadingRepo;
        if (get().loadStatus === 'paused' && repo) return loadRepo(repo, { storeOnly: storingOnly });
        return { status: 'stopped' };
      },

      cancelLoad: () => {
        loadController?.abort();
        if (get().loadStatus !== 'paused') return;
        set(afterStop(false));
        startQueuedDownload();
      },

      engineLost: (reason, { gpuLost } = { gpuLost: false }) => {
        const { model, loadStatus, loadingRepo } = get();
        // A load that was running fails on its own, with its own message.
        if (!model) return;
        // A model still loaded while another loads means that one was downloading beside it: the download gives way to
        // reloading the model that was answering (which may well be what stopped the engine), and says so.
        const sideDownload = loadStatus === 'loading' && loadingRepo !== model.repo ? loadingRepo : null;
        const downloadNote = sideDownload ? ` The download of ${sideDownload} stopped with it; what arrived is kept, so loading it again finishes it.` : '';
        if (sideDownload) {
          // Its call failed with the engine; this notice speaks for it.
          loadController?.abort();
          loadController = null;
        }
        // A reply whose conversation never came out of the chat template: the template does not finish on this
        // conversation (some loop on long or unusual ones). The model is not to blame for other chats, so it is always
        // loaded again, and the advice is about the conversation.
        const stuckInTemplate = !gpuLost && get().writingReplyId !== null && !get().promptBuilt;
        set({ loadStatus: 'idle', model: null, progress: null });
        if (stuckInTemplate) {
          get().reportError(
            new Error(
              `${reason} It stopped while putting this conversation into ${model.repo}'s chat template, which seems not to finish on it. ` +
                `Your chats are kept; the model is being loaded again from storage. Start a new chat, or delete earlier messages of this one, before trying again; if short chats stop too, use another model.${downloadNote}`,
            ),
          );
          void loadRepo(model.repo, { pin: model });
          return;
        }
        if (gpuLost && model.device === 'webgpu') {
          gpuLosses = { repo: model.repo, count: gpuLosses.repo === model.repo ? gpuLosses.count + 1 : 1 };
          const again = gpuLosses.count < MAX_STOPS_IN_A_ROW;
          get().reportError(
            new Error(
              again
                ? `${reason} Your chats are kept; ${model.repo} is being loaded on WebGPU again.${downloadNote}`
                : `${reason} It happened again, so ${model.repo} is being loaded on WASM (the CPU), which is slower but does not depend on the GPU. Your chats are kept; load the model again to try the GPU.${downloadNote}`,
            ),
          );
          void loadRepo(model.repo, { pin: again ? model : { device: 'wasm', dtype: model.dtype } });
          return;
        }
        stopsInARow = { repo: model.repo, count: stopsInARow.repo === model.repo ? stopsInARow.count + 1 : 1 };
        if (stopsInARow.count >= MAX_STOPS_IN_A_ROW) {
          get().reportError(
            new Error(`${reason} ${model.repo} stopped the engine ${stopsInARow.count} times in a row, so it was not loaded again. ${TRY_SMALLER}${downloadNote}`),
          );
          return;
        }
        get().reportError(new Error(`${reason} Your chats are kept; ${model.repo} is being loaded again from storage.${downloadNote}`));
        void loadRepo(model.repo, { pin: model });
      },

      replyFinished: () => {
        stopsInARow = { repo: '', count: 0 };
      },
    };
  };
