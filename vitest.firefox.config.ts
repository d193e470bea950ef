import { defineConfig } from 'vitest/config';

/** The Firefox ESR suite (`npm run test:firefox`): the production build in Firefox over WebDriver BiDi. */
export default defineConfig({
  test: {
    include: ['e2e-firefox/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
