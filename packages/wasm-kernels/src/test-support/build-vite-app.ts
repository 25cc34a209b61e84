import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { cnnkitWasm } from '../vite/cnnkit-wasm.js';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Builds src/vite/fixtures/app with Vite as a user would (minified, with cnnkitWasm()), against
 * this package's built dist (run `pnpm build` first), into a new temporary directory.
 */
export async function buildViteApp({ threadsFix = true } = {}): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'cnnkit-vite-app-'));
  await build({
    root: join(packageDir, 'src/vite/fixtures/app'),
    base: './',
    logLevel: 'silent',
    configFile: false,
    resolve: {
      // The app imports this package by name, as users do; here that is its own dist.
      alias: [{ find: /^@cnnkit\/wasm-kernels$/, replacement: join(packageDir, 'dist/index.js') }],
    },
    // Without the threads fix: to show what it fixes.
    plugins: [threadsFix ? cnnkitWasm() : { ...cnnkitWasm(), transform: undefined }],
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  return outDir;
}
