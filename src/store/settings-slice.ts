import type { Device, Dtype, GenerationSettings, Preference } from '../../shared/protocol';
import { PreferencesDb } from '../data/preferences';
import type { SliceCreator } from './types';

/** Used when neither the user nor the model's generation_config.json sets a limit. */
export const FALLBACK_MAX_NEW_TOKENS = 1024;

/**
 * Choices that are not part of one conversation: device and weights for the next load, the system prompt new
 * conversations start with, and how replies are generated and shown. (A conversation's own system prompt and sampling
 * live with the conversation.)
 */
export interface SettingsSlice {
  devicePreference: Preference<Device>;
  dtypePreference: Preference<Dtype>;
  defaultSystemPrompt: string;
  /** Keep the previous turn's KV cache and reuse it when the next prompt extends it. */
  reuseCache: boolean;
  /** Show replies as rendered Markdown, or as the plain text the model wrote. */
  renderMarkdown: boolean;
  setDevicePreference: (device: Preference<Device>) => void;
  setDtypePreference: (dtype: Preference<Dtype>) => void;
  setDefaultSystemPrompt: (prompt: string) => void;
  setReuseCache: (reuse: boolean) => void;
  setRenderMarkdown: (render: boolean) => void;
  loadPreferences: () => Promise<void>;
}

const PREFERENCES_SET_ASIDE =
  'The default prompt for new chats, as another version of the app saved it, could not be read. It is kept in this ' +
  'browser’s storage, unchanged, and new chats start without one until you set it again in Settings.';

export const createSettingsSlice: SliceCreator<SettingsSlice> = (deps) => (set, get) => {
  const preferences = deps.preferencesDb ?? new PreferencesDb();
  return {
    devicePreference: 'auto',
    dtypePreference: 'auto',
    defaultSystemPrompt: '',
    reuseCache: true,
    renderMarkdown: true,
    setDevicePreference: (devicePreference) => set({ devicePreference }),
    setDtypePreference: (dtypePreference) => set({ dtypePreference }),
    setDefaultSystemPrompt: (defaultSystemPrompt) => {
      set({ defaultSystemPrompt });
      preferences.write({ defaultSystemPrompt }).catch((error: unknown) => get().reportStorageError(error));
    },
    setReuseCache: (reuseCache) => set({ reuseCache }),
    setRenderMarkdown: (renderMarkdown) => set({ renderMarkdown }),
    loadPreferences: async () => {
      try {
        const { preferences: stored, setAside } = await preferences.read();
        set(stored);
        if (setAside) get().reportError(new Error(PREFERENCES_SET_ASIDE));
        const { unsavedId, conversations } = get();
        const draft = unsavedId ? conversations[unsavedId] : undefined;
        // The first new conversation was made before the preferences were read.
        if (draft && stored.defaultSystemPrompt && !draft.settings.systemPrompt && get().activeId === draft.id) {
          get().setSystemPrompt(stored.defaultSystemPrompt);
        }
      } catch (error) {
        get().reportStorageError(error);
      }
    },
  };
};

/** The settings a generation runs with: the user's changes over the model's defaults. */
export function effectiveSettings(
  modelDefaults: Partial<GenerationSettings>,
  overrides: Partial<GenerationSettings>,
): GenerationSettings {
  return {
    ...modelDefaults,
    ...overrides,
    maxNewTokens: overrides.maxNewTokens ?? modelDefaults.maxNewTokens ?? FALLBACK_MAX_NEW_TOKENS,
  };
}
