export interface EmbedOptions {
  /** `?embed=1`: the compact layout for a frame in another page, without the side panel. */
  compact: boolean;
  /** `?model=owner/name`: the model to offer; applied only when the config allows it. */
  model: string | null;
}

export function readEmbedOptions(search: string): EmbedOptions {
  const params = new URLSearchParams(search);
  const model = params.get('model');
  return { compact: params.get('embed') === '1', model: model && /^[\w.-]+\/[\w.-]+$/.test(model) ? model : null };
}
