import { useEffect, useSyncExternalStore } from 'react';
import type { LazyModule } from '../lazy-module';

/**
 * The module once it has arrived, else null (render a plain fallback then); the component renders again when it
 * arrives. With `wanted`, mounting starts the load; without it, something else asks for the module.
 */
export function useLazyModule<T>(module: LazyModule<T>, wanted = true): T | null {
  const current = useSyncExternalStore(module.subscribe, module.current, module.current);
  useEffect(() => {
    if (wanted && current === null) module.request();
  }, [module, wanted, current]);
  return current;
}
