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

  it('names every bad list or structured setting in the order of the fields, each in its own words', () => {
    const { config, problems } = parseConfig({
      hubUrl: 'ftp://x',
      hubUrls: 'https://huggingface.co',
      allowedModels: ['org/one', 3],
      catalog: [{ id: 'org/one' }, 'org/two', null, [], { id: 'other/model' }],
      defaultModel: 'other/model',
      embeddingModel: 7,
      embedOrigins: 'https://intranet.example',
      title: '',
    });
    expect(problems).toEqual([
      'config.json: hubUrl must be an https URL (http only on this machine) or a path on this server; it was ignored.',
      'config.json: hubUrls must list https URLs (http only on this machine) or paths on this server; bad entries were ignored.',
      'config.json: allowedModels must list model ids (owner/name or owner/*); unreadable entries allow nothing.',
      'config.json: catalog entries without an id (owner/name) were skipped.',
      'config.json: catalog entries not in allowedModels were left out.',
      'config.json: defaultModel is not in allowedModels; it was ignored.',
      'config.json: embeddingModel must be a model id (owner/name) or null; it was ignored.',
      'config.json: embedOrigins must list https origins such as https://intranet.example (http only on this machine); bad entries were ignored.',
      'config.json: title must be a text of 1 to 80 characters; it was ignored.',
    ]);
    expect(config).toEqual({ ...DEFAULT_CONFIG, allowedModels: ['org/one'], catalog: [{ id: 'org/one', label: 'org/one' }] });
  });

  it('a catalog entry is labelled by its id unless it has a label of its own; what is not text is left out', () => {
    const { config, problems } = parseConfig({
      catalog: [
        { id: 'org/a' },
        { id: 'org/b', label: '' },
        { id: 'org/c', label: 5, description: ['not text'] },
        { id: 'org/d', label: 'D', description: 'Small and quick' },
      ],
    });
    expect(problems).toEqual([]);
    expect(config.catalog).toEqual([
      { id: 'org/a', label: 'org/a' },
      { id: 'org/b', label: 'org/b' },
      { id: 'org/c', label: 'org/c' },
      { id: 'org/d', label: 'D', description: 'Small and quick' },
    ]);
  });

  it('catalog sizes keep the dtypes the app knows with a positive number of bytes, and drop the rest without a word', () => {
    const sizesOf = (sizes: unknown) => {
      const { config, problems } = parseConfig({ catalog: [{ id: 'org/model', sizes }] });
      expect(problems).toEqual([]);
      return config.catalog[0].sizes;
    };
    expect(sizesOf({ q4: 100, fp16: 2.5e9, Q4: 1, q5: 1, q8: 0, fp32: -1, int8: '100', uint8: null })).toEqual({ q4: 100, fp16: 2.5e9 });
    // Infinity is what JSON's 1e999 reads as: no size to show.
    expect(sizesOf({ q4: Infinity, q8: 100 })).toEqual({ q8: 100 });
    expect(sizesOf('q4: 100')).toBeUndefined();
    expect(sizesOf([100])).toBeUndefined();
    expect(sizesOf(null)).toBeUndefined();
  });

  it('a catalog that is not a list is ignored', () => {
    const { config, problems } = parseConfig({ catalog: { id: 'org/model' } });
    expect(config.catalog).toEqual([]);
    expect(problems).toEqual(['config.json: catalog must be a list; it was ignored.']);
  });

  it('the default model may be any model an owner/* entry allows', () => {
    const { config, problems } = parseConfig({ allowedModels: ['org/*'], defaultModel: 'org/model' });
    expect(config.defaultModel).toBe('org/model');
    expect(problems).toEqual([]);
    expect(parseConfig({ defaultModel: 'not a model' }).problems).toEqual(['config.json: defaultModel must be a model id (owner/name); it was ignored.']);
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

  it('hubs are listed once each, the same URL with or without trailing slashes included', () => {
    const { config, problems } = parseConfig({
      hubUrl: 'https://mirror.intranet/hub//',
      hubUrls: ['https://mirror.intranet/hub', 'https://huggingface.co/', 'https://huggingface.co', 42, null],
    });
    expect(config.hubUrls).toEqual(['https://mirror.intranet/hub', 'https://huggingface.co']);
    expect(problems).toEqual([expect.stringContaining('hubUrls must list')]);
    const notAList = parseConfig({ hubUrls: 'https://mirror.intranet/hub' });
    expect(notAList.config.hubUrls).toEqual(DEFAULT_CONFIG.hubUrls);
    expect(notAList.problems).toEqual([expect.stringContaining('hubUrls must list')]);
  });

  it('an empty allow-list allows nothing, and says nothing is wrong', () => {
    const { config, problems } = parseConfig({ allowedModels: [], catalog: [{ id: 'org/one' }] });
    expect(config.allowedModels).toEqual([]);
    expect(config.catalog).toEqual([]);
    expect(problems).toEqual(['config.json: catalog entries not in allowedModels were left out.']);
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

  it('an embed origin is written exactly as browsers report it: no credentials, query, fragment or capitals', () => {
    const { config, problems } = parseConfig({
      embedOrigins: ['https://user:pw@intranet.example', 'https://intranet.example/?a', 'https://intranet.example#x', 'https://Intranet.example', 3, 'https://a.example:8443'],
    });
    expect(config.embedOrigins).toEqual(['https://a.example:8443']);
    expect(problems).toEqual([expect.stringContaining('embedOrigins must list')]);
    const notAList = parseConfig({ embedOrigins: 'https://intranet.example' });
    expect(notAList.config.embedOrigins).toEqual([]);
    expect(notAList.problems).toEqual([expect.stringContaining('embedOrigins must list')]);
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
