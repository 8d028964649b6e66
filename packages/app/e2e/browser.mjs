// Headless Chromium (Debian's package) driven by playwright-core: the browser is never downloaded.
import fs from 'node:fs';
import { chromium } from 'playwright-core';

/** Where Debian's package (scripts/deps/debian.txt) puts Chromium; CHROMIUM_PATH overrides. */
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter(
    Boolean,
  );
  const found = candidates.find(p => fs.existsSync(p));
  if (!found) {
    throw new Error(
      `no Chromium found (looked at ${candidates.join(
        ', ',
      )}): apt-get install -y chromium, or set CHROMIUM_PATH`,
    );
  }
  return found;
}

/**
 * Launches headless Chromium quietly: no background traffic (the network here is closed and shared).
 * playwright gives every launch a fresh temporary profile.
 */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
