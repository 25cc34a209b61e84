import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';

/**
 * Size budget of what a visit downloads before the first backend check, gzip-compressed: the
 * page's entry (JS + CSS, no TensorFlow.js) and the training worker's entry with its static
 * imports (tfjs-core, models, trainer, datasets). Backends, .wasm files and the sample load
 * later, on demand. Raise a budget only on purpose.
 */
const BUDGET_KB = { page: 40, worker: 120 };

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
  assets?: string[];
}

function gzipKb(file: string): number {
  return gzipSync(readFileSync(`${dist}${file}`)).length / 1024;
}

function staticClosure(manifest: Record<string, ManifestChunk>, key: string): Set<string> {
  const seen = new Set<string>();
  const visit = (k: string) => {
    if (seen.has(k)) return;
    seen.add(k);
    for (const next of manifest[k]?.imports ?? []) visit(next);
  };
  visit(key);
  return seen;
}

test('the initial download stays within its budget', () => {
  if (!existsSync(`${dist}.vite/manifest.json`)) {
    throw new Error('apps/web/dist is missing: run `pnpm --filter @cnnkit/web build` first.');
  }
  const manifest = JSON.parse(readFileSync(`${dist}.vite/manifest.json`, 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const page = manifest['index.html'];
  expect(page?.isEntry).toBe(true);
  const pageFiles = [page?.file ?? '', ...(page?.css ?? [])];
  const workerKey = Object.keys(manifest).find((k) => /training-worker/.test(k));
  expect(workerKey, 'the training worker is a separate chunk').toBeDefined();
  const workerFiles = [...staticClosure(manifest, workerKey as string)].map(
    (k) => manifest[k]?.file ?? '',
  );
  const pageKb = pageFiles.reduce((sum, f) => sum + gzipKb(f), 0);
  const workerKb = workerFiles.reduce((sum, f) => sum + gzipKb(f), 0);
  console.log(
    `initial download (gzip): page ${pageKb.toFixed(1)} KB (budget ${BUDGET_KB.page}), worker ${workerKb.toFixed(1)} KB (budget ${BUDGET_KB.worker})`,
  );
  expect(pageKb).toBeLessThanOrEqual(BUDGET_KB.page);
  expect(workerKb).toBeLessThanOrEqual(BUDGET_KB.worker);
  // TensorFlow.js must not leak into the page's own bundle.
  expect(readFileSync(`${dist}${page?.file}`, 'utf8')).not.toContain('tfjs-core');
});
