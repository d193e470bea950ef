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

  it('reads the download chunk size and refuses one too small to be sensible', () => {
    expect(parseConfig({ downloadChunkBytes: 65_536 }).config.downloadChunkBytes).toBe(65_536);
    const { config, problems } = parseConfig({ downloadChunkBytes: 12 });
    expect(config.downloadChunkBytes).toBeUndefined();
    expect(problems).toEqual(['config.json: downloadChunkBytes must be a whole number of bytes, at least 16384; it was ignored.']);
  });

  it('refuses a document that is not an object', () => {
    expect(parseConfig([1, 2]).problems).toHaveLength(1);
    expect(parseConfig('x').config).toEqual(DEFAULT_CONFIG);
  });
});
