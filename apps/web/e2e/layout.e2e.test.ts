import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LaunchedChromium, launchChromium } from './support/chromium.js';
import { fillSettings, type OpenedPage, openDemo, waitForOutcome } from './support/page.js';
import { APP_DIR, startPreview } from './support/preview-server.js';

let browser: LaunchedChromium;
let preview: Awaited<ReturnType<typeof startPreview>>;
let opened: OpenedPage;

beforeAll(async () => {
  preview = await startPreview();
  browser = await launchChromium();
  opened = await openDemo(browser.context, preview.url);
  await opened.page.setViewportSize({ width: 375, height: 740 });
});

afterAll(async () => {
  await browser?.close();
  await preview?.server.close();
});

test('on a phone-sized screen nothing overflows sideways, and training is started with the keyboard without layout jumps', async () => {
  const { page } = opened;
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);

  await fillSettings(page, { epochs: 1, batchSize: 4, limit: 1200 });
  // Tab from the top of the page to the Start button, then press Enter.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'start');
  }
  expect(reached, 'Start is reachable with Tab').toBe(true);
  await page.$eval('#train-status', (element) => element.removeAttribute('data-outcome'));
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-phase="training"]');

  // Where the sections below the charts start, sampled while the run reports progress.
  const tops = new Set<string>();
  for (let i = 0; i < 8; i++) {
    const phase = await page.getAttribute('body', 'data-phase');
    if (phase !== 'training') break;
    tops.add(
      await page.evaluate(() =>
        ['#inspect', '#weights', '#classify']
          .map(
            (s) =>
              Math.round(document.querySelector(s)?.getBoundingClientRect().top ?? 0) +
              window.scrollY,
          )
          .join(','),
      ),
    );
    await page.waitForTimeout(300);
  }
  expect(tops.size, `section positions seen: ${[...tops].join(' | ')}`).toBe(1);
  // Pause and Stop are reachable and usable from the keyboard too.
  await page.focus('#stop');
  await page.keyboard.press('Enter');
  const { outcome } = await waitForOutcome(page);
  expect(['stopped', 'completed']).toContain(outcome);
  await mkdir(`${APP_DIR}test-artifacts`, { recursive: true });
  await page.screenshot({ path: `${APP_DIR}test-artifacts/phone.png`, fullPage: true });
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
  ).toBeLessThanOrEqual(0);
  expect(opened.errors).toEqual([]);
});
