import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why browser tests cannot run here, or `undefined`. Under CI a missing browser is a failure, not a skip. */
export function browserUnavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);
  return `${CHROMIUM} is not installed (apt-get install chromium); skipping the browser tests`;
}

export function newProfile(): string {
  return mkdtempSync(join(tmpdir(), 'crossauth-demo-profile-'));
}

/** Debian's Chromium on a given profile directory, with the flags this machine needs. */
export function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // 6666 is on Chromium's list of unsafe ports (IRC); the attacker pages live there, as the issue asks.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--explicitly-allowed-ports=6666'],
  });
}
