import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type PreviewServer, preview } from 'vite';

export const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Serves the production build (dist/) with `vite preview` on 127.0.0.1, with the same COOP/COEP
 * headers as in vite.config.ts. `base` serves it under a sub-path, to prove asset URLs are relative.
 */
export async function startPreview(base = '/'): Promise<{ url: string; server: PreviewServer }> {
  if (!existsSync(`${APP_DIR}/dist/index.html`)) {
    throw new Error('apps/web/dist is missing: run `pnpm --filter @cnnkit/web build` first.');
  }
  const port = await freePort();
  const server = await preview({
    root: APP_DIR,
    base,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  return { url: `http://127.0.0.1:${port}${base}`, server };
}
