import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, isModelAllowed, parseConfig } from './config';

describe('parseConfig', () => {
  it('reads a valid configuration', () => {
    const { config, problems } = parseConfig({
      hubUrl: 'https://mirror.intranet/hub/',
      defaultModel: 'org/model',
      catalog: [{ id: 'org/model', label: 'Model', sizes: { q4: 100, bogus: 5, q8: -1 } }],
    });
    expect(problems).toEqual([]);
    expect(config).toEqual({
      ...DEFAULT_CONFIG,
      hubUrl: 'https://mirror.intranet/hub',
      hubUrls: ['https://mirror.intranet/hub'],
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
    expect(parseConfig({ downloadStallSeconds: 5 }).config.downloadStallSeconds).toBe(5);
    expect(parseConfig({ downloadStallSeconds: 0 }).problems).toEqual([
      'config.json: downloadStallSeconds must be a number of seconds, at least 1; it was ignored.',
    ]);
  });

  it('reads the memory a model may take, and refuses a figure too small to hold any model', () => {
    expect(parseConfig({ modelMemoryBytes: 2_000_000_000 }).config.modelMemoryBytes).toBe(2_000_000_000);
    const { config, problems } = parseConfig({ modelMemoryBytes: 1000 });
    expect(config.modelMemoryBytes).toBeUndefined();
    expect(problems).toEqual(['config.json: modelMemoryBytes must be a whole number of bytes, at least 67108864 (64 MiB); it was ignored.']);
  });

  it('reads the embedding model that finds passages, or null for keyword match only', () => {
    expect(parseConfig({}).config.embeddingModel).toBe('Xenova/paraphrase-multilingual-MiniLM-L12-v2');
    expect(parseConfig({ embeddingModel: 'org/embedder' }).config.embeddingModel).toBe('org/embedder');
    expect(parseConfig({ embeddingModel: null }).config.embeddingModel).toBeNull();
    const { config, problems } = parseConfig({ embeddingModel: 'not a model' });
    expect(config.embeddingModel).toBe(DEFAULT_CONFIG.embeddingModel);
    expect(problems).toEqual(['config.json: embeddingModel must be a model id (owner/name) or null; it was ignored.']);
  });

  it('takes model ids only as the Hub allows them: never `.` or `..` for a part, which a URL would read as a path step', () => {
    const { config, problems } = parseConfig({
      defaultModel: 'owner/.',
      embeddingModel: '../x',
      allowedModels: ['org/*', 'org/model', 'org/..', './*'],
      catalog: [{ id: 'org/model', label: 'Fine' }, { id: 'org/.', label: 'Dot' }],
    });
    expect(config.defaultModel).toBeNull();
    expect(config.embeddingModel).toBe(DEFAULT_CONFIG.embeddingModel);
    expect(config.allowedModels).toEqual(['org/*', 'org/model']);
    expect(config.catalog.map((entry) => entry.id)).toEqual(['org/model']);
    expect(problems).toHaveLength(4);
  });

  it('refuses a document that is not an object', () => {
    expect(parseConfig([1, 2]).problems).toHaveLength(1);
    expect(parseConfig('x').config).toEqual(DEFAULT_CONFIG);
  });
});

describe('organisation settings', () => {
  it('lists hubs in order, mirror first; paths are resolved against the page', () => {
    const { config, problems } = parseConfig(
      { hubUrl: '/models', hubUrls: ['https://huggingface.co', 'ftp://x', 'http://127.0.0.1/models/'] },
      'http://127.0.0.1/chat/index.html',
    );
    expect(config.hubUrls).toEqual(['http://127.0.0.1/models', 'https://huggingface.co']);
    expect(config.hubUrl).toBe('http://127.0.0.1/models');
    expect(problems).toEqual([expect.stringContaining('hubUrls must list')]);
    expect(parseConfig({ hubUrl: './models' }, 'https://chat.intranet/app/').config.hubUrl).toBe('https://chat.intranet/app/models');
    // Without a page to resolve against, a path cannot be used.
    expect(parseConfig({ hubUrl: '/models' }).config.hubUrl).toBe(DEFAULT_CONFIG.hubUrl);
  });

  it('plain http only on this machine, and never a protocol-relative //host', () => {
    const { config, problems } = parseConfig(
      { hubUrls: ['http://hub.intranet.example', '//evil.example/models', 'http://localhost:8090', 'https://hub.intranet.example'] },
      'https://chat.intranet.example/',
    );
    expect(config.hubUrls).toEqual(['http://localhost:8090', 'https://hub.intranet.example']);
    expect(problems).toEqual([expect.stringContaining('http only on this machine')]);
  });

  it('an allow-list limits the models, the catalog and the default; a broken one allows nothing', () => {
    const { config, problems } = parseConfig({
      allowedModels: ['org/one', 'trusted/*'],
      catalog: [{ id: 'org/one' }, { id: 'org/two' }, { id: 'trusted/any' }],
      defaultModel: 'org/two',
    });
    expect(config.catalog.map((entry) => entry.id)).toEqual(['org/one', 'trusted/any']);
    expect(config.defaultModel).toBeNull();
    expect(problems).toHaveLength(2);
    expect(isModelAllowed(config, 'org/one')).toBe(true);
    expect(isModelAllowed(config, 'trusted/whatever')).toBe(true);
    expect(isModelAllowed(config, 'org/two')).toBe(false);
    expect(isModelAllowed(config, 'org/one-evil')).toBe(false);
    expect(isModelAllowed(DEFAULT_CONFIG, 'any/model')).toBe(true);

    const broken = parseConfig({ allowedModels: 'org/one' });
    expect(broken.config.allowedModels).toEqual([]);
    expect(isModelAllowed(broken.config, 'org/one')).toBe(false);
    expect(broken.problems).toHaveLength(1);
  });

  it('embed origins must be bare origins', () => {
    const { config, problems } = parseConfig({
      embedOrigins: ['https://intranet.example', 'http://localhost:8081/', 'https://x.example/path', '*', 'javascript:1', 'http://intranet.example'],
    });
    expect(config.embedOrigins).toEqual(['https://intranet.example', 'http://localhost:8081']);
    expect(problems).toHaveLength(1);
  });

  it('an embedding page’s chats are not kept and it may not start downloads, unless the deployment says so', () => {
    expect(parseConfig({}).config).toMatchObject({ keepEmbedChats: false, embedMayDownload: false });
    expect(parseConfig({ keepEmbedChats: true, embedMayDownload: true }).config).toMatchObject({ keepEmbedChats: true, embedMayDownload: true });
    const { config, problems } = parseConfig({ keepEmbedChats: 'yes', embedMayDownload: 1 });
    expect(config).toMatchObject({ keepEmbedChats: false, embedMayDownload: false });
    expect(problems).toEqual([
      'config.json: keepEmbedChats must be true or false; it was ignored.',
      'config.json: embedMayDownload must be true or false; it was ignored.',
    ]);
  });

  it('title and accent colour, and nothing that could escape into CSS', () => {
    expect(parseConfig({ title: ' ACME Chat ', accentColor: '#AA3300' }).config).toMatchObject({ title: 'ACME Chat', accentColor: '#AA3300' });
    const bad = parseConfig({ title: '', accentColor: 'red; background: url(https://evil.example)' });
    expect(bad.config).toMatchObject({ title: 'Airgap Chat', accentColor: null });
    expect(bad.problems).toHaveLength(2);
  });
});
