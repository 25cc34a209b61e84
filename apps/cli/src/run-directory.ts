import { join } from 'node:path';

/** `runs/2026-11-28T15-40-12` under `base`: a new directory per run, sortable by time. */
export function defaultRunDirectory(now: Date = new Date(), base = 'runs'): string {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  return join(base, stamp);
}

/** Where a run keeps its files. */
export function runPaths(dir: string) {
  return {
    checkpoints: join(dir, 'checkpoint'),
    metrics: join(dir, 'metrics.jsonl'),
    weights: join(dir, 'simple-cnn.safetensors'),
  };
}
