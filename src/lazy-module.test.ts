import { describe, expect, it } from 'vitest';
import { lazyModule } from './lazy-module';

describe('lazyModule', () => {
  it('imports once, keeps the module and tells subscribers when it arrives', async () => {
    let imports = 0;
    const module = lazyModule(async () => ({ value: ++imports }));
    let told = 0;
    module.subscribe(() => told++);
    expect(module.current()).toBeNull();
    module.request();
    await expect(module.load()).resolves.toEqual({ value: 1 });
    expect(module.current()).toEqual({ value: 1 });
    await module.load();
    expect({ imports, told }).toEqual({ imports: 1, told: 1 });
  });

  it('forgets a failed import, so the next request tries again', async () => {
    let attempts = 0;
    const module = lazyModule(async () => {
      if (++attempts === 1) throw new TypeError('Failed to fetch dynamically imported module');
      return 'loaded';
    });
    await expect(module.load()).rejects.toThrow('Failed to fetch');
    expect(module.current()).toBeNull();
    await expect(module.load()).resolves.toBe('loaded');
    expect(attempts).toBe(2);
  });
});
