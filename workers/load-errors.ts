import { ModelFileNotFoundError } from '@huggingface/transformers';
import type { BackendCandidate } from './device';
import { EngineError, type RepoRef } from '../shared/protocol';

export interface LoadFailure {
  error: EngineError;
  /** No other device or dtype can help (the hub is unreachable): stop trying. */
  fatal: boolean;
  /** The device itself failed (WebGPU would not initialise or run the graph): skip its other dtypes. */
  deviceBroken: boolean;
}

function isNetworkFailure(error: unknown): boolean {
  // fetch() rejects with a TypeError ("Failed to fetch", "NetworkError…", "Load failed") when no response came.
  return error instanceof TypeError && /fetch|network|load failed/i.test(error.message);
}

/** onnxruntime's words for an allocation that failed: C++'s `std::bad_alloc`, or its own "out of memory". */
function isOutOfMemory(detail: string): boolean {
  return /bad_alloc|out of memory/i.test(detail);
}

/** Decides what a failed attempt to load one device/dtype means for the next attempt. */
export function describeLoadFailure(error: unknown, candidate: BackendCandidate, ref: RepoRef): LoadFailure {
  const detail = error instanceof Error ? error.message : String(error);
  if (isNetworkFailure(error)) {
    return {
      error: new EngineError(
        'network',
        `The download from ${ref.hubUrl} was interrupted. Check your connection and load the model again.`,
        { cause: error },
      ),
      fatal: true,
      deviceBroken: false,
    };
  }
  if (error instanceof ModelFileNotFoundError) {
    return {
      error: new EngineError('file-not-found', `a ${candidate.dtype} weight file is missing on the hub (${detail})`),
      fatal: false,
      deviceBroken: false,
    };
  }
  if (isOutOfMemory(detail)) {
    const where = candidate.device === 'wasm' ? 'WebAssembly memory (at most 4 GiB a tab)' : 'memory';
    return {
      error: new EngineError(
        'model-load-failed',
        `the ${candidate.dtype} weights ran out of ${where} while the model was being prepared; smaller weights ` +
          '(Settings → Weights (dtype)) or a smaller model may fit',
        { cause: error },
      ),
      fatal: false,
      deviceBroken: false,
    };
  }
  return {
    error: new EngineError('model-load-failed', detail, { cause: error }),
    fatal: false,
    deviceBroken: candidate.device === 'webgpu',
  };
}
