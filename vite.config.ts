import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { VitePWA, type ManifestOptions } from 'vite-plugin-pwa';
import { viteStaticCopy } from 'vite-plugin-static-copy';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
/** `AIRGAP_BUILD_LABEL=next vite build` marks a build, e.g. the second build the update test serves. */
const buildLabel = process.env.AIRGAP_BUILD_LABEL;

/** The web app manifest: what an installed Airgap Chat is called and looks like. */
const webManifest: Partial<ManifestOptions> = {
  name: 'Airgap Chat',
  short_name: 'Airgap Chat',
  description: 'Private chat with open-weights language models that run entirely in this browser tab.',
  id: './',
  start_url: './',
  scope: './',
  display: 'standalone',
  background_color: '#f7f7f8',
  theme_color: '#1f5f8b',
  icons: [
    { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
  ],
};

/** The loader script host pages include by a stable URL, so it is the one file without a hash in its name. */
const EMBED_LOADER = 'airgap-chat';

export default defineConfig({
  // Relative asset URLs, so the app can be hosted under any path (e.g. an intranet's /chat/).
  base: './',
  define: {
    __APP_VERSION__: JSON.stringify(buildLabel ? `${version}+${buildLabel}` : version),
  },
  plugins: [
    react(),
    // pdf.js reads the text of PDFs whose fonts are not embedded (common in Chinese, Japanese and Korean files) through
    // Adobe's predefined CMaps; served from this origin (src/documents/pdf-text.ts), and listed before the PWA plugin
    // so its precache, which runs after the copy, keeps them for offline use.
    viteStaticCopy({ targets: [{ src: 'node_modules/pdfjs-dist/cmaps/*.bcmap', dest: 'pdfjs/cmaps', rename: { stripBase: true } }] }),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'workers',
      filename: 'sw.ts',
      // The page registers the worker itself (src/pwa/) and offers updates instead of forcing them.
      injectRegister: false,
      registerType: 'prompt',
      manifest: webManifest,
      // The glob below already lists the icons.
      includeManifestIcons: false,
      injectManifest: {
        rollupFormat: 'iife',
        // The app shell with the chunks it loads later (Markdown, KaTeX and its woff2 fonts, the import schema), the
        // onnxruntime-web files (the .wasm is ~25 MB) and pdf.js' CMaps (1.7 MB); the plugin adds the manifest itself.
        // KaTeX's CSS names its .woff and .ttf fonts only for browsers without woff2. Model weights never come from here.
        globPatterns: ['**/*.{html,js,mjs,css,wasm,svg,png,woff2,bcmap}'],
        globIgnores: [`${EMBED_LOADER}.js`],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      },
    }),
  ],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The onnxruntime-web wasm is ~25 MB; it is served as a file of its own, never inlined.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    // .vite/manifest.json: which chunks the page loads at once, for scripts/check-bundle-size.mjs.
    manifest: true,
    rollupOptions: {
      input: { index: 'index.html', [EMBED_LOADER]: 'src/embed/airgap-chat-element.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === EMBED_LOADER ? `${EMBED_LOADER}.js` : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: {
    headers: {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    },
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'workers/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.mjs'],
    environment: 'node',
  },
});
