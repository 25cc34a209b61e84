import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';

export interface OpenedPage {
  readonly page: Page;
  /** Console errors and uncaught exceptions, from the page and its workers. */
  readonly errors: string[];
}

/** Opens the demo and waits until backends are checked and the sample is loaded. */
export async function openDemo(context: BrowserContext, url: string): Promise<OpenedPage> {
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
  } catch (error) {
    const text = (await page.textContent('main').catch(() => '')) ?? '';
    throw new Error(
      `${(error as Error).message}\nconsole:\n${log.join('\n')}\npage:\n${text.slice(0, 3000)}`,
    );
  }
  return { page, errors };
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
