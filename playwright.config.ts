import { defineConfig } from '@playwright/test';

/** Debian's Chromium; Playwright cannot download its own browsers on these machines. */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless flags that keep Chromium from calling home (there is no network but loopback). */
const quietChromium = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

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
    trace: 'retain-on-failure',
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
