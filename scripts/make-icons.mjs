// @ts-check
/**
 * Renders the app icons the web manifest names from the SVG sources with Chromium, so the PNGs can be
 * remade whenever the artwork changes: `node scripts/make-icons.mjs`. The outputs are committed.
 */
import { readFile } from 'node:fs/promises';
import { chromium } from '@playwright/test';

const ICONS = [
  { source: 'public/favicon.svg', out: 'public/icons/icon-192.png', size: 192 },
  { source: 'public/favicon.svg', out: 'public/icons/icon-512.png', size: 512 },
  // Maskable: full-bleed background, artwork inside the central safe circle (80% of the width).
  { source: 'scripts/icon-sources/maskable.svg', out: 'public/icons/maskable-512.png', size: 512 },
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  for (const { source, out, size } of ICONS) {
    const svg = await readFile(source, 'utf8');
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<body style="margin:0">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body>`);
    await page.locator('svg').screenshot({ path: out, omitBackground: true });
    console.log(`${out} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
