// @ts-check
/** Fails early, with the fix, when a browser the end-to-end tests drive is missing. */
import { accessSync, constants } from 'node:fs';

const browsers = [
  { name: 'Chromium', path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', install: 'chromium', variable: 'CHROMIUM_PATH' },
  { name: 'Firefox ESR', path: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', install: 'firefox-esr', variable: 'FIREFOX_PATH' },
];

const missing = browsers.filter(({ path }) => {
  try {
    accessSync(path, constants.X_OK);
    return false;
  } catch {
    return true;
  }
});
for (const { name, path, install, variable } of missing) {
  console.error(
    `The end-to-end tests drive ${name} at ${path}, and it is not there.\n` +
      `Install Debian's package (sudo apt-get install -y ${install}) or set ${variable} to its binary.`,
  );
}
if (missing.length > 0) process.exit(1);
