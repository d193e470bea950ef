declare const __APP_VERSION__: string;

/** The package version, plus a build label when one was given at build time (see vite.config.ts). */
export const APP_VERSION = __APP_VERSION__;
