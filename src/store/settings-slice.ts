import type { Device, Dtype, GenerationSettings, Preference } from '../../workers/protocol';
import type { SliceCreator } from './types';

/** Used when neither the user nor the model's generation_config.json sets a limit. */
export const FALLBACK_MAX_NEW_TOKENS = 1024;

export interface SettingsSlice {
  devicePreference: Preference<Device>;
  dtypePreference: Preference<Dtype>;
  systemPrompt: string;
  /** Sampling values the user changed; the rest come from the loaded model. */
  overrides: Partial<GenerationSettings>;
  setDevicePreference: (device: Preference<Device>) => void;
  setDtypePreference: (dtype: Preference<Dtype>) => void;
  setSystemPrompt: (prompt: string) => void;
  setOverride: <K extends keyof GenerationSettings>(key: K, value: GenerationSettings[K] | undefined) => void;
  resetToModelDefaults: () => void;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = () => (set) => ({
  devicePreference: 'auto',
  dtypePreference: 'auto',
  systemPrompt: '',
  overrides: {},
  setDevicePreference: (devicePreference) => set({ devicePreference }),
  setDtypePreference: (dtypePreference) => set({ dtypePreference }),
  setSystemPrompt: (systemPrompt) => set({ systemPrompt }),
  setOverride: (key, value) =>
    set((state) => {
      const overrides = { ...state.overrides };
      if (value === undefined) delete overrides[key];
      else overrides[key] = value;
      return { overrides };
    }),
  resetToModelDefaults: () => set({ overrides: {} }),
});

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
