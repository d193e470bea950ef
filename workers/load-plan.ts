import { probeCapabilities } from './capabilities';
import { planBackends } from './device';
import { findWeightLayout, otherModelKind } from './dtypes';
import { timed } from './load-timing';
import type { ModelSource } from './model-source';
import { EngineError, type DtypeOffer, type LoadParams } from '../shared/protocol';

/**
 * The repository's pinned listing, its weights, and the device and dtype candidates a load would try, in order;
 * refuses a repository that cannot run here with a message that says why.
 */
export async function planLoad(source: ModelSource, params: LoadParams, signal: AbortSignal) {
  // A load that may not download stops here when nothing of the model is stored: not even the hub is asked.
  if (params.storedOnly && !(await source.storedManifest(params))) throw notStored(params.repo);
  const manifest = await timed('manifest', () => source.manifest(params, signal, params.refresh));
  const layout = findWeightLayout(manifest.files);
  if (!layout) {
    throw new EngineError(
      'no-onnx-weights',
      `“${params.repo}” has no ONNX weights (no onnx/model*.onnx files), so it cannot run in the browser. ` +
        'Look for an ONNX export of this model, for example under onnx-community.',
    );
  }
  const otherKind = otherModelKind(manifest.files);
  if (otherKind) {
    throw new EngineError(
      'not-a-text-model',
      `“${params.repo}” is ${otherKind}. Airgap Chat runs text-only chat models (such as Qwen, Llama, SmolLM or ` +
        'Gemma 3 1B); choose one of those.',
    );
  }
  const capabilities = await probeCapabilities();
  if (params.device === 'webgpu' && !capabilities.webgpu) {
    throw new EngineError(
      'webgpu-unavailable',
      'This browser offers no WebGPU adapter. Choose “Auto” or “WASM” as the device in Settings.',
    );
  }
  const storedOffers = params.storedOnly ? await storedOnes(layout.offers, (offer) => source.isStored(manifest, offer)) : null;
  if (storedOffers?.length === 0) throw notStored(params.repo);
  const offered = (storedOffers ?? layout.offers).map((offer) => offer.dtype);
  const candidates = planBackends(capabilities, offered, params);
  if (candidates.length === 0) {
    throw new EngineError(
      'dtype-not-offered',
      `“${params.repo}” has no ${params.dtype} weights. It offers: ${offered.join(', ')}. Choose one of those in Settings.`,
    );
  }
  return { manifest, layout, candidates, capabilities };
}

function notStored(repo: string): EngineError {
  return new EngineError(
    'not-stored',
    `“${repo}” is not stored in this browser, and this page may not download models. Open Airgap Chat on its own and ` +
      'load the model there once; this page can then use it.',
  );
}

async function storedOnes(offers: DtypeOffer[], isStored: (offer: DtypeOffer) => Promise<boolean>): Promise<DtypeOffer[]> {
  const stored: DtypeOffer[] = [];
  for (const offer of offers) if (await isStored(offer)) stored.push(offer);
  return stored;
}
