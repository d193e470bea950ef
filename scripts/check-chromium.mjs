// @ts-check
/** Fails early, with the fix, when the browser the end-to-end tests drive is missing. */
import { accessSync, constants } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
try {
  accessSync(path, constants.X_OK);
} catch {
  console.error(
    `The end-to-end tests drive Chromium at ${path}, and it is not there.\n` +
      'Install Debian\'s Chromium (sudo apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary.',
  );
  process.exit(1);
}
