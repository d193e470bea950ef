import type { AppConfig } from './config';

/** Relative luminance (WCAG) of a `#rrggbb` colour. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Text on the accent colour: black or white, whichever reads better. */
export function accentTextColor(hex: string): string {
  return luminance(hex) > 0.179 ? '#000000' : '#ffffff';
}

/** The organisation's title and accent colour. Set through the CSSOM, which the CSP's `style-src 'self'` allows. */
export function applyBranding(config: Pick<AppConfig, 'title' | 'accentColor'>, root: HTMLElement = document.documentElement): void {
  document.title = config.title;
  if (config.accentColor) {
    root.style.setProperty('--accent', config.accentColor);
    root.style.setProperty('--accent-text', accentTextColor(config.accentColor));
  }
}
