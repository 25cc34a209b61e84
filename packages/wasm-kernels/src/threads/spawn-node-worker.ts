import { Worker } from 'node:worker_threads';
import type { PoolWorker } from './kernel-pool.js';
import { type KernelWorkerInit, kernelWorkerLoop } from './kernel-worker-loop.js';

// Evaluated source rather than a file: the package ships no separate worker script whose path
// a bundler or an installer could move. The worker inherits the process's flags, so under
// `node --input-type=module` its source is an ES module: process.getBuiltinModule (Node >=
// 20.16) works in both kinds of script, where require or import would fail in one of them.
const source = `'use strict';
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
(${String(kernelWorkerLoop)})(workerData, (error) => parentPort.postMessage({ error }));
`;

/**
 * Starts a pool worker on a worker_threads thread of this process. Threads are part of the
 * process, so they end with it, whatever ends it (Ctrl-C, `kill -9`, a crash); the worker is
 * unref'd, so it never keeps the process alive either.
 */
export function spawnNodeWorker(init: KernelWorkerInit): PoolWorker {
  const worker = new Worker(source, {
    eval: true,
    workerData: init,
    name: `cnnkit kernels ${init.thread}`,
  });
  worker.unref();
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', (message: { error?: string }) => {
      if (message.error == null) resolve();
      else reject(new Error(message.error));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker exited with code ${code}`)));
  });
  return {
    ready,
    terminate: () => {
      void worker.terminate();
    },
  };
}
