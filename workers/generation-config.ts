import type { GenerationSettings } from '../shared/protocol';

/** The sampling fields of a generation_config.json that the settings expose, in our names. */
const FIELDS = {
  do_sample: 'doSample',
  temperature: 'temperature',
  top_p: 'topP',
  top_k: 'topK',
  repetition_penalty: 'repetitionPenalty',
  max_new_tokens: 'maxNewTokens',
} as const satisfies Record<string, keyof GenerationSettings>;

/** Picks the sampling defaults a model ships with; anything missing or malformed is left out. */
export function parseGenerationDefaults(json: unknown): Partial<GenerationSettings> {
  if (typeof json !== 'object' || json === null) return {};
  const source = json as Record<string, unknown>;
  const defaults: Partial<Record<keyof GenerationSettings, unknown>> = {};
  for (const [file, ours] of Object.entries(FIELDS)) {
    const value = source[file];
    const valid = ours === 'doSample' ? typeof value === 'boolean' : typeof value === 'number' && Number.isFinite(value);
    if (valid) defaults[ours] = value;
  }
  return defaults as Partial<GenerationSettings>;
}

/** Our settings in transformers.js' generate() names; unset fields stay unset so the model's config applies. */
export function toGenerateOptions(settings: GenerationSettings): Record<string, number | boolean> {
  const options: Record<string, number | boolean> = {};
  for (const [file, ours] of Object.entries(FIELDS)) {
    const value = settings[ours];
    if (value !== undefined && ours !== 'maxNewTokens') options[file] = value;
  }
  return options;
}
