import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { axeViolations } from './support/axe.js';
import { type LaunchedChromium, launchChromium } from './support/chromium.js';
import { fillSettings, type OpenedPage, openDemo, waitForOutcome } from './support/page.js';
import { APP_DIR, startPreview } from './support/preview-server.js';

let browser: LaunchedChromium;
let preview: Awaited<ReturnType<typeof startPreview>>;
let opened: OpenedPage;
const ARTIFACTS = `${APP_DIR}test-artifacts`;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  preview = await startPreview();
  browser = await launchChromium();
  // Records the page's height from its first layout until it is ready, and every layout shift.
  await browser.context.addInitScript(() => {
    const record = { heights: [] as number[], shifts: 0 };
    Object.assign(window, { layoutRecord: record });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number })[]) {
        record.shifts += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
    const sample = () => {
      const height = document.documentElement.scrollHeight;
      if (record.heights.at(-1) !== height) record.heights.push(height);
      const ready =
        document.body?.dataset.phase === 'idle' &&
        document.querySelector('.backend-option[data-state="checking"]') === null;
      if (!ready) requestAnimationFrame(sample);
    };
    document.addEventListener('DOMContentLoaded', sample);
  });
  opened = await openDemo(browser.context, preview.url);
});

afterAll(async () => {
  await browser?.close();
  await preview?.server.close();
});

test('the page has its final height from the first layout: filling Inspect moves nothing', async () => {
  const { page } = opened;
  const record = await page.evaluate(
    () =>
      (window as unknown as { layoutRecord: { heights: number[]; shifts: number } }).layoutRecord,
  );
  console.log(
    `heights while starting: ${record.heights.join(' → ')}; layout shift ${record.shifts}`,
  );
  expect(record.heights.length).toBeGreaterThan(0);
  expect(Math.max(...record.heights) - Math.min(...record.heights)).toBeLessThanOrEqual(2);
  expect(record.shifts).toBeLessThan(0.01);
});

test('arrow keys switch backends and the focus stays on the radio group', async () => {
  const { page } = opened;
  const radio = (name: string) => `.backend-option[data-backend="${name}"] input`;
  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLInputElement | null;
      return element?.name === 'backend' ? element.value : (element?.tagName ?? 'none');
    });
  const usable = await page.$$eval('.backend-option[data-state="ok"]', (rows) =>
    rows.map((row) => (row as HTMLElement).dataset.backend ?? ''),
  );
  expect(usable[0]).toBe('wasm');
  expect(usable.length, `usable backends: ${usable.join(', ')}`).toBeGreaterThanOrEqual(2);
  await page.focus(radio('wasm'));
  // Down through every usable backend, then back up to wasm, waiting for each switch.
  const path = [...usable.slice(1), ...usable.slice(0, -1).reverse()];
  for (const [i, name] of path.entries()) {
    await page.keyboard.press(i < usable.length - 1 ? 'ArrowDown' : 'ArrowUp');
    await page.waitForFunction(
      (n) =>
        document.getElementById('runtime-backend')?.textContent === n &&
        document.body.dataset.phase === 'idle',
      name,
      { timeout: 60_000 },
    );
    expect(await focused(), `focus after switching to ${name}`).toBe(name);
  }
  expect(await page.textContent('#runtime-backend')).toBe('wasm');
  expect(opened.errors).toEqual([]);
});

test('axe-core finds no accessibility problem on the page, with results shown', async () => {
  const { page } = opened;
  const violations = await axeViolations(page);
  expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
  // The matrix's corner header says what rows and columns are; column names are whole.
  expect(await page.textContent('#confusion .corner')).toBe('true \\ predicted');
  expect(
    await page.$$eval('#confusion th[scope="col"] .vertical', (c) => c.map((e) => e.textContent)),
  ).toEqual([
    'airplane',
    'automobile',
    'bird',
    'cat',
    'deer',
    'dog',
    'frog',
    'horse',
    'ship',
    'truck',
  ]);
});

test('on a phone-sized screen nothing overflows sideways, and training is started with the keyboard without layout jumps', async () => {
  const { page } = opened;
  await page.setViewportSize({ width: 375, height: 740 });
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
  await page.screenshot({ path: `${ARTIFACTS}/phone.png`, fullPage: true });
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
  ).toBeLessThanOrEqual(0);
  expect(opened.errors).toEqual([]);
});

test('on a phone the page stays short, and the confusion matrix says it scrolls and keeps its row names in view', async () => {
  const { page } = opened;
  await page.setViewportSize({ width: 375, height: 740 });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  console.log(`page height at 375 px: ${height} px`);
  // 6,849 px before: 24 prediction cards in one column. Now 12 cards, two per row (under
  // 5,000 px; about 5,230 since the form's recipe, start and head-only rows).
  expect(height).toBeLessThan(5400);
  expect(
    await page.$$eval(
      '#predictions > li',
      (items) => items.filter((i) => getComputedStyle(i).display !== 'none').length,
    ),
  ).toBe(12);
  const scroller = '#confusion-scroll';
  expect(await page.getAttribute(scroller, 'data-overflows')).toBe('');
  expect(await page.isVisible('.scroll-hint')).toBe(true);
  expect(await page.getAttribute(scroller, 'tabindex')).toBe('0');
  await (await page.$('.confusion-area'))?.screenshot({ path: `${ARTIFACTS}/phone-confusion.png` });
  // Keyboard scrolling: focus the matrix and press → until it is at its right end.
  await page.focus(scroller);
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction((s) => {
    const element = document.querySelector(s) as HTMLElement;
    return element.scrollLeft + element.clientWidth >= element.scrollWidth - 1;
  }, scroller);
  const { rowHeaderLeft, scrollerLeft, lastColumnVisible } = await page.$eval(
    scroller,
    (element) => {
      const bounds = element.getBoundingClientRect();
      const lastHeader = element.querySelector('tr:first-child th:last-child') as HTMLElement;
      return {
        rowHeaderLeft: (
          element.querySelector('th[scope="row"]') as HTMLElement
        ).getBoundingClientRect().left,
        scrollerLeft: bounds.left,
        lastColumnVisible: lastHeader.getBoundingClientRect().right <= bounds.right + 1,
      };
    },
  );
  expect(Math.abs(rowHeaderLeft - scrollerLeft)).toBeLessThanOrEqual(1);
  expect(lastColumnVisible).toBe(true);
  // Every class name whole in its header, none cut with an ellipsis as before.
  const headers = await page.$$eval(
    `${scroller} th[scope="col"]:has(.vertical), ${scroller} th[scope="row"]`,
    (cells) =>
      cells.map((cell) => ({
        text: cell.textContent,
        cut: cell.scrollWidth > cell.clientWidth + 1 || cell.scrollHeight > cell.clientHeight + 1,
      })),
  );
  const classes = [
    'airplane',
    'automobile',
    'bird',
    'cat',
    'deer',
    'dog',
    'frog',
    'horse',
    'ship',
    'truck',
  ];
  expect(headers.map((header) => header.text)).toEqual([...classes, ...classes]);
  expect(headers.filter((header) => header.cut)).toEqual([]);
  await (await page.$('.confusion-area'))?.screenshot({
    path: `${ARTIFACTS}/phone-confusion-scrolled.png`,
  });
  const violations = await axeViolations(page);
  expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
});
