import type { LaunchOptions } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (no browser download on these machines). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless and quiet: no sandbox (containers), no GPU, and none of Chromium's background
 * connections, which fail noisily on a machine with no outside network.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Options for `chromium.launchPersistentContext(freshUserDataDir, …)`: the browser above, at this size and zone. */
export function chromiumContext(options: { viewport: { width: number; height: number }; timezoneId?: string }) {
  return { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ...options } satisfies LaunchOptions & Record<string, unknown>;
}
