import { useId } from 'react';
import { useApp } from '../store/context';
import { DEVICES, DTYPES, type Device, type Dtype, type GenerationSettings, type Preference } from '../../shared/protocol';
import { FALLBACK_MAX_NEW_TOKENS } from '../store/settings-slice';

type NumericSetting = Exclude<keyof GenerationSettings, 'doSample'>;

const NUMERIC_SETTINGS: { key: NumericSetting; label: string; min: number; max?: number; step: number }[] = [
  { key: 'maxNewTokens', label: 'Max new tokens', min: 1, step: 1 },
  { key: 'temperature', label: 'Temperature', min: 0, max: 2, step: 0.05 },
  { key: 'topP', label: 'Top-p', min: 0, max: 1, step: 0.05 },
  { key: 'topK', label: 'Top-k', min: 0, step: 1 },
  { key: 'repetitionPenalty', label: 'Repetition penalty', min: 0.5, max: 2, step: 0.05 },
];

const DEVICE_LABELS: Record<Device, string> = { webgpu: 'WebGPU', wasm: 'WASM (CPU)' };

function NumberSetting({ setting, modelDefault }: { setting: (typeof NUMERIC_SETTINGS)[number]; modelDefault?: number }) {
  const id = useId();
  const value = useApp((state) => state.conversations[state.activeId].settings.overrides[setting.key]);
  const setOverride = useApp((state) => state.setOverride);
  return (
    <div className="field">
      <label htmlFor={id}>{setting.label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={setting.min}
        max={setting.max}
        step={setting.step}
        value={value ?? ''}
        placeholder={modelDefault === undefined ? 'model default' : String(modelDefault)}
        onChange={(event) => {
          const parsed = event.target.valueAsNumber;
          setOverride(setting.key, Number.isFinite(parsed) ? parsed : undefined);
        }}
      />
    </div>
  );
}

function ContextLimitSetting({ modelContext }: { modelContext: number | null }) {
  const id = useId();
  const value = useApp((state) => state.conversations[state.activeId].settings.contextLimit);
  const setContextLimit = useApp((state) => state.setContextLimit);
  return (
    <div className="field">
      <label htmlFor={id}>Context limit (tokens)</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={16}
        step={1}
        value={value ?? ''}
        placeholder={modelContext === null ? 'model default' : String(modelContext)}
        onChange={(event) => {
          const parsed = event.target.valueAsNumber;
          setContextLimit(Number.isFinite(parsed) && parsed >= 1 ? Math.floor(parsed) : undefined);
        }}
      />
    </div>
  );
}

function PromptField({ label, rows, value, onChange }: { label: string; rows: number; value: string; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={rows} value={value} placeholder="None" onChange={(event) => onChange(event.target.value)} />
    </div>
  );
}

function Checkbox({ label, checked, onChange }: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="field checkbox">
      <input id={id} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

/**
 * Device and weights for the next load; this conversation's system prompt, sampling and context limit (empty fields
 * use the model's defaults); the system prompt new chats start with; how replies are generated and shown.
 */
export function SettingsPanel() {
  const ids = { device: useId(), dtype: useId() };
  const devicePreference = useApp((state) => state.devicePreference);
  const dtypePreference = useApp((state) => state.dtypePreference);
  const systemPrompt = useApp((state) => state.conversations[state.activeId].settings.systemPrompt);
  const defaultSystemPrompt = useApp((state) => state.defaultSystemPrompt);
  const setDefaultSystemPrompt = useApp((state) => state.setDefaultSystemPrompt);
  const reuseCache = useApp((state) => state.reuseCache);
  const setReuseCache = useApp((state) => state.setReuseCache);
  const renderMarkdown = useApp((state) => state.renderMarkdown);
  const setRenderMarkdown = useApp((state) => state.setRenderMarkdown);
  const model = useApp((state) => state.model);
  const defaults = model?.generationDefaults ?? {};
  const setDevicePreference = useApp((state) => state.setDevicePreference);
  const setDtypePreference = useApp((state) => state.setDtypePreference);
  const setSystemPrompt = useApp((state) => state.setSystemPrompt);
  const resetToModelDefaults = useApp((state) => state.resetToModelDefaults);
  const thinking = useApp((state) => state.conversations[state.activeId].settings.thinking !== false);
  const setThinking = useApp((state) => state.setThinking);

  return (
    <details className="settings">
      <summary>Settings</summary>
      <div className="field">
        <label htmlFor={ids.device}>Device</label>
        <select
          id={ids.device}
          value={devicePreference}
          onChange={(event) => setDevicePreference(event.target.value as Preference<Device>)}
        >
          <option value="auto">Auto (WebGPU if available)</option>
          {DEVICES.map((device) => (
            <option key={device} value={device}>
              {DEVICE_LABELS[device]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.dtype}>Weights (dtype)</label>
        <select
          id={ids.dtype}
          value={dtypePreference}
          onChange={(event) => setDtypePreference(event.target.value as Preference<Dtype>)}
        >
          <option value="auto">Auto (best for the device)</option>
          {DTYPES.map((dtype) => (
            <option key={dtype} value={dtype}>
              {dtype}
            </option>
          ))}
        </select>
      </div>
      <p className="muted">Device and weights apply the next time a model is loaded.</p>
      <PromptField label="System prompt" rows={3} value={systemPrompt} onChange={setSystemPrompt} />
      {NUMERIC_SETTINGS.map((setting) => (
        <NumberSetting
          key={setting.key}
          setting={setting}
          modelDefault={setting.key === 'maxNewTokens' ? (defaults.maxNewTokens ?? FALLBACK_MAX_NEW_TOKENS) : defaults[setting.key]}
        />
      ))}
      <ContextLimitSetting modelContext={model?.contextLength ?? null} />
      {model?.thinkingSwitch && <Checkbox label="Think before answering" checked={thinking} onChange={setThinking} />}
      <button type="button" onClick={resetToModelDefaults}>
        Reset to model defaults
      </button>
      <PromptField label="Default prompt for new chats" rows={2} value={defaultSystemPrompt} onChange={setDefaultSystemPrompt} />
      <Checkbox label="Reuse the previous turn’s cache" checked={reuseCache} onChange={setReuseCache} />
      <Checkbox label="Show replies as Markdown" checked={renderMarkdown} onChange={setRenderMarkdown} />
    </details>
  );
}
