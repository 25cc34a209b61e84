import type { BrowserContext } from 'playwright-core';

export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: readonly string[];

export interface LaunchedChromium {
  readonly context: BrowserContext;
  readonly version: string;
  close(): Promise<void>;
}

export declare function launchChromium(): Promise<LaunchedChromium>;
