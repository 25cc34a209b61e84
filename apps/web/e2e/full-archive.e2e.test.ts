import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LaunchedChromium, launchChromium } from './support/chromium.js';
import { type OpenedPage, openDemo } from './support/page.js';
import { startPreview } from './support/preview-server.js';

// The real CIFAR-10 archive beside the clone (as .ci/run has it); skipped cleanly without it.
const ARCHIVE = new URL('../../../../shared/data/cifar-10-binary.tar.gz', import.meta.url).pathname;
const haveArchive = existsSync(ARCHIVE);

let browser: LaunchedChromium;
let preview: Awaited<ReturnType<typeof startPreview>>;
let opened: OpenedPage;

beforeAll(async () => {
  if (!haveArchive) return;
  preview = await startPreview();
  browser = await launchChromium();
  opened = await openDemo(browser.context, preview.url);
});

afterAll(async () => {
  await browser?.close();
  await preview?.server.close();
});

test.skipIf(!haveArchive)(
  'the official archive chosen in the file picker loads with progress',
  async () => {
    const { page } = opened;
    // Record every progress value the page shows while the archive is read.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      const bar = document.getElementById('data-progress') as HTMLProgressElement;
      new MutationObserver(() => seen.push(bar.value)).observe(bar, { attributes: true });
      setInterval(() => {
        if (!bar.hidden) seen.push(bar.value);
      }, 50);
    });
    await page.setInputFiles('#archive-input', ARCHIVE);
    await page.waitForFunction(
      () =>
        /50,000 training and 10,000 test images/.test(
          document.getElementById('data-status')?.textContent ?? '',
        ),
      undefined,
      { timeout: 150_000 },
    );
    const seen = await page.evaluate(
      () => (window as unknown as { progressSeen: number[] }).progressSeen,
    );
    expect(
      seen.some((v) => v > 0 && v < 1),
      `progress values ${seen.slice(0, 20).join(', ')}`,
    ).toBe(true);
    expect(await page.textContent('#data-status')).toBe(
      'Data: cifar-10-binary.tar.gz — 50,000 training and 10,000 test images.',
    );
    await page.waitForSelector('body[data-phase="idle"]');
    expect(await page.textContent('#test-accuracy')).toMatch(/\([\d,]+ \/ 10,000 images\)/);
    expect(await page.textContent('#data-error')).toBe('');
    expect(opened.errors).toEqual([]);
  },
);
