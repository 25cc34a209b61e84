/**
 * Location of `cifar-10-sample.tar.gz`. Written as `new URL('…', import.meta.url)` so that it
 * resolves from `dist/` in Node and so that bundlers (Vite, webpack 5, esbuild with the
 * asset loader) copy the file and rewrite the URL.
 *
 * @example
 * ```ts
 * import { cifar10FromArchiveBytes } from '@cnnkit/datasets';
 * const bytes = new Uint8Array(await (await fetch(cifar10SampleUrl)).arrayBuffer());
 * const { train, test } = cifar10FromArchiveBytes(bytes, 'cifar-10-sample.tar.gz');
 * ```
 */
export const cifar10SampleUrl: URL = new URL('../data/cifar-10-sample.tar.gz', import.meta.url);
