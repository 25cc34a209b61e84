import type { PoolWorker } from './kernel-pool.js';
import { type KernelWorkerInit, kernelWorkerLoop } from './kernel-worker-loop.js';

// Globals of browsers and Web Workers, typed here: this package compiles without the DOM library.
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: 'message' | 'error', listener: (event: unknown) => void): void;
}
interface WebWorkerGlobals {
  Worker: new (url: string, options?: { name?: string }) => WebWorker;
  Blob: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
}

const source = `'use strict';
self.onmessage = (event) => {
  self.onmessage = null;
  (${String(kernelWorkerLoop)})(event.data, (error) => self.postMessage({ error }));
};
`;

/**
 * Starts a pool worker as a Web Worker from a blob: URL (a blob: worker inherits the page's
 * cross-origin isolation, and no script file has to be served or bundled). Web Workers end
 * with the page or worker that started them.
 */
export function spawnWebWorker(init: KernelWorkerInit): PoolWorker {
  const globals = globalThis as unknown as WebWorkerGlobals;
  const url = globals.URL.createObjectURL(new globals.Blob([source], { type: 'text/javascript' }));
  const worker = new globals.Worker(url, { name: `cnnkit kernels ${init.thread}` });
  const ready = new Promise<void>((resolve, reject) => {
    worker.addEventListener('message', (event) => {
      const { error } = (event as { data: { error?: string } }).data;
      if (error == null) resolve();
      else reject(new Error(error));
    });
    worker.addEventListener('error', (event) => {
      reject(new Error((event as { message?: string }).message ?? 'the worker failed to start'));
    });
  }).finally(() => globals.URL.revokeObjectURL(url));
  worker.postMessage(init);
  return { ready, terminate: () => worker.terminate() };
}
