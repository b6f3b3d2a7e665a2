/**
 * Headless Debian chromium for the UI tests, driven by playwright-core (no browser download: the system binary,
 * `scripts/install-deps.sh` installs it). A fresh profile directory per launch, removed on close; no background
 * networking, no component updates, no GPU.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** The browser binary: `AGENT_SLO_CHROMIUM` or Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.AGENT_SLO_CHROMIUM || '/usr/bin/chromium';
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run'] as const;

export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'agent-slo-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS], timeout: 60_000 });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Counts pixels of `rgb` (± `tolerance` per channel) in a PNG, decoded by the browser itself in a blank page
 * (so the check reads the screenshot, not the page's canvas).
 */
export async function countColouredPixels(context: BrowserContext, png: Buffer, rgb: readonly [number, number, number], tolerance = 40): Promise<number> {
  const page = await context.newPage();
  try {
    // A string expression: the test project has no DOM types.
    const n: unknown = await page.evaluate(`(async () => {
      const bytes = Uint8Array.from(atob(${JSON.stringify(png.toString('base64'))}), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      const d = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
      const [r, g, b] = ${JSON.stringify(rgb)};
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (Math.abs(d[i] - r) <= ${tolerance} && Math.abs(d[i + 1] - g) <= ${tolerance} && Math.abs(d[i + 2] - b) <= ${tolerance}) n++;
      }
      return n;
    })()`);
    return n as number;
  } finally {
    await page.close();
  }
}
