import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

/**
 * Serves `directory` on 127.0.0.1 like a static host of a single-page app: index.html for any
 * path it does not have (the case that hides a missing .wasm file), and, when `isolated`, the
 * COOP/COEP headers that make the page cross-origin isolated (threads).
 */
export async function serveDirectory(
  directory: string,
  { isolated }: { isolated: boolean },
): Promise<{ url: string; close(): Promise<void> }> {
  const headers: Record<string, string> = isolated
    ? {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      }
    : {};
  const server = createServer(async (request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://host').pathname).replace(/^\/+/, '');
    const file = join(directory, path === '' ? 'index.html' : path);
    const body = await readFile(file).catch(() => undefined);
    if (body == null || !file.startsWith(directory)) {
      const index = await readFile(join(directory, 'index.html'));
      response.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(index);
      return;
    }
    const type = contentTypes[extname(file)] ?? 'application/octet-stream';
    response.writeHead(200, { ...headers, 'content-type': type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address != null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
