import { afterAll, beforeAll } from 'vitest';
import { type LaunchedChromium, launchChromium } from './chromium.js';
import { type OpenedPage, openDemo } from './page.js';
import { startPreview } from './preview-server.js';

/** The demo one test file works with: its page, and the browser and server behind it. */
export interface DemoPage {
  readonly opened: OpenedPage;
  readonly browser: LaunchedChromium;
  readonly url: string;
}

/**
 * Serves the production build and opens the demo in Chromium before the file's tests
 * (`beforeAll`), and closes both after them. `query` is appended to the URL (`?debug` exposes
 * the worker client); `allChecked: false` starts before every backend is checked. Call it at
 * the top of a test file; the returned function gives the page once the hook has run.
 */
export function useDemoPage(
  options: { readonly query?: string; readonly allChecked?: boolean } = {},
): () => DemoPage {
  let demo: DemoPage | undefined;
  let browser: LaunchedChromium | undefined;
  let preview: Awaited<ReturnType<typeof startPreview>> | undefined;
  beforeAll(async () => {
    preview = await startPreview();
    browser = await launchChromium();
    const opened = await openDemo(browser.context, `${preview.url}${options.query ?? ''}`, {
      allChecked: options.allChecked ?? true,
    });
    demo = { opened, browser, url: preview.url };
  });
  afterAll(async () => {
    await browser?.close();
    await preview?.server.close();
  });
  return () => {
    if (!demo) throw new Error('useDemoPage: the page opens in beforeAll; use it inside a test');
    return demo;
  };
}
