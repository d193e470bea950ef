import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from './config';

describe('parseConfig', () => {
  it('reads a valid configuration', () => {
    const { config, problems } = parseConfig({
      hubUrl: 'https://mirror.intranet/hub/',
      defaultModel: 'org/model',
      catalog: [{ id: 'org/model', label: 'Model', sizes: { q4: 100, bogus: 5, q8: -1 } }],
    });
    expect(problems).toEqual([]);
    expect(config).toEqual({
      hubUrl: 'https://mirror.intranet/hub',
      defaultModel: 'org/model',
      catalog: [{ id: 'org/model', label: 'Model', description: undefined, sizes: { q4: 100 } }],
    });
  });

  it('reports every bad field and falls back to safe defaults', () => {
    const { config, problems } = parseConfig({ hubUrl: 'javascript:alert(1)', catalog: [{ label: 'no id' }], defaultModel: 3 });
    expect(config.hubUrl).toBe(DEFAULT_CONFIG.hubUrl);
    expect(config.catalog).toEqual([]);
    expect(config.defaultModel).toBeNull();
    expect(problems).toHaveLength(3);
  });

  it('refuses a document that is not an object', () => {
    expect(parseConfig([1, 2]).problems).toHaveLength(1);
    expect(parseConfig('x').config).toEqual(DEFAULT_CONFIG);
  });
});
