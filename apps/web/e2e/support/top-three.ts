import type { Page } from 'playwright-core';
import { cnnkitJson } from './cli.js';

/** A class and its probability, as `cnnkit predict --json` reports them. */
export interface Predicted {
  readonly label: string;
  readonly probability: number;
}

/**
 * `cnnkit predict`'s top-3 for `image` with `weights` (wasm backend), and what the page's
 * "Classify your own image" shows for the same file, as "label 12.3 %" lines.
 */
export async function topThree(
  page: Page,
  image: string,
  weights: string,
): Promise<{ readonly cli: readonly Predicted[]; readonly shown: string[] }> {
  const [cli] = await cnnkitJson<{ top: Predicted[] }[]>([
    'predict',
    image,
    '--weights',
    weights,
    '--backend',
    'wasm',
  ]);
  await page.$eval('#classify-result', (list) => list.replaceChildren());
  await page.setInputFiles('#image-input', image);
  await page.waitForFunction(() => document.querySelectorAll('#classify-result li').length === 3);
  const shown = await page.$$eval('#classify-result li span:first-child', (items) =>
    items.map((i) => i.textContent ?? ''),
  );
  return { cli: cli?.top ?? [], shown };
}
