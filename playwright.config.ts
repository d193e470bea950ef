import { defineConfig } from '@playwright/test';
// Debian's Chromium (Playwright cannot download its own browsers here) and headless flags that keep it from calling home.
import { CHROMIUM_PATH as executablePath, QUIET_CHROMIUM_FLAGS as quietChromium } from './scripts/lib/chromium.mjs';

export default defineConfig({
  testDir: 'e2e',
  // Two cores: a second worker would only make both slower and the timings noisier.
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    // A trace records every page's network bodies (model files included) and DOM: the model families' file took 2.0
    // minutes with traces, 1.6 without. CI keeps no files, so it records none; locally a failed test leaves its trace.
    trace: process.env.CI ? 'off' : 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: /webgpu\.spec\.ts/,
      use: { launchOptions: { executablePath, args: [...quietChromium, '--disable-gpu'] } },
    },
    {
      // SwiftShader's software WebGPU adapter: slow, but the real WebGPU code path.
      name: 'chromium-webgpu',
      testMatch: /webgpu\.spec\.ts/,
      use: { launchOptions: { executablePath, args: [...quietChromium, '--disable-gpu', '--enable-unsafe-webgpu'] } },
    },
  ],
});
