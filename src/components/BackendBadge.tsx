import { useApp } from '../store/context';
import type { LoadedModel } from '../../shared/protocol';

export function describeBackend(model: LoadedModel): string {
  const device = model.device === 'webgpu' ? 'WebGPU' : 'WASM';
  const threads = model.device === 'wasm' ? ` · ${model.threads} ${model.threads === 1 ? 'thread' : 'threads'}` : '';
  return `${device} · ${model.dtype}${threads}`;
}

/** Which backend, dtype and thread count the loaded model runs on. */
export function BackendBadge() {
  const model = useApp((state) => state.model);
  return (
    <p className="backend-badge" role="status" aria-label="Backend">
      {model ? describeBackend(model) : 'No model loaded'}
    </p>
  );
}
