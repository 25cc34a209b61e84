import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';

export interface OpenedPage {
  readonly page: Page;
  /** Console errors and uncaught exceptions, from the page and its workers. */
  readonly errors: string[];
}

/**
 * Opens the demo and waits until it is ready to train (the first backend checked, the sample
 * loaded and inspected) and, unless `allChecked` is false, every other backend is checked.
 */
export async function openDemo(
  context: BrowserContext,
  url: string,
  { allChecked = true }: { readonly allChecked?: boolean } = {},
): Promise<OpenedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  const log: string[] = [];
  const record = (message: ConsoleMessage) => {
    log.push(`${message.type()}: ${message.text()}`);
    if (message.type() === 'error') errors.push(message.text());
  };
  page.on('console', record);
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('worker', (worker) => worker.on('console', record));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(url);
  try {
    await page.waitForSelector('body[data-phase="idle"]', { timeout: 40_000 });
    if (allChecked) await waitForBackendChecks(page);
  } catch (error) {
    const text = (await page.textContent('main').catch(() => '')) ?? '';
    throw new Error(
      `${(error as Error).message}\nconsole:\n${log.join('\n')}\npage:\n${text.slice(0, 3000)}`,
    );
  }
  return { page, errors };
}

/** Waits until no backend row says 'checking' (they are checked after the first works). */
export async function waitForBackendChecks(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelectorAll('.backend-option').length > 0 &&
      document.querySelectorAll('.backend-option[data-state="checking"]').length === 0,
    undefined,
    { timeout },
  );
}

/** Backend rows as the page shows them: state and detail text. */
export async function backendRows(
  page: Page,
): Promise<Record<string, { state: string; detail: string }>> {
  return page.$$eval('.backend-option', (rows) =>
    Object.fromEntries(
      rows.map((row) => [
        (row as HTMLElement).dataset.backend ?? '',
        {
          state: (row as HTMLElement).dataset.state ?? '',
          detail: row.querySelector('.backend-detail')?.textContent ?? '',
        },
      ]),
    ),
  );
}

/** Fills the training form; keys are the inputs' names (lr, momentum, batchSize, epochs, seed, limit). */
export async function fillSettings(
  page: Page,
  settings: Record<string, string | number>,
): Promise<void> {
  for (const [name, value] of Object.entries(settings)) {
    await page.fill(`#train-form input[name="${name}"]`, String(value));
  }
}

/** Number of points a chart currently draws. */
export async function chartPoints(page: Page, id: string): Promise<number> {
  return Number(await page.getAttribute(`#${id}`, 'data-points'));
}

/** Waits for the current run to end and returns how (`data-outcome`) and the status text. */
export async function waitForOutcome(
  page: Page,
  timeout = 120_000,
): Promise<{ outcome: string; status: string }> {
  await page.waitForSelector('#train-status[data-outcome]', { timeout });
  await page.waitForSelector('body[data-phase="idle"]', { timeout });
  return {
    outcome: (await page.getAttribute('#train-status', 'data-outcome')) ?? '',
    status: (await page.textContent('#train-status')) ?? '',
  };
}

/** Starts a run: clears the previous outcome marker, clicks Start, waits for the first chart point. */
export async function startTraining(page: Page): Promise<void> {
  await page.$eval('#train-status', (element) => element.removeAttribute('data-outcome'));
  await page.click('#start');
  await page.waitForFunction(
    () =>
      Number(document.getElementById('chart-loss')?.dataset.points) > 0 ||
      document.querySelector('#train-status[data-outcome]'),
    undefined,
    { timeout: 120_000 },
  );
}
