// A mirror on 127.0.0.1 (random port) for `cnnkit download --mirror`, serving one archive and
// misbehaving on request the ways hostile or broken mirrors do. Every misbehaviour stops by
// itself (at 1 GiB, or when the client leaves), so a broken client cannot keep it running.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type MirrorMode =
  | { readonly kind: 'serve' }
  /** Headers, then nothing more. */
  | { readonly kind: 'stall' }
  /** Accepts the connection and never answers. */
  | { readonly kind: 'silent' }
  /** One byte every `everyMs`. */
  | { readonly kind: 'trickle'; readonly everyMs: number }
  /** Zeros without end and without a Content-Length. */
  | { readonly kind: 'endless' }
  /** The body in pieces of `bytes` every `everyMs`: a slow but healthy mirror. */
  | { readonly kind: 'slow'; readonly bytes: number; readonly everyMs: number }
  /** Headers and the first half of the body, the rest once `release` resolves. */
  | { readonly kind: 'held'; readonly release: Promise<void> };

export interface HostileMirror {
  readonly url: string;
  mode: MirrorMode;
  body: Uint8Array;
  /** Range header of each request, or null. */
  readonly requests: (string | null)[];
  close(): Promise<void>;
}

export async function startHostileMirror(body: Uint8Array): Promise<HostileMirror> {
  const mirror = {
    mode: { kind: 'serve' } as MirrorMode,
    body,
    requests: [] as (string | null)[],
  };
  const server = createServer((request, response) => {
    mirror.requests.push(request.headers.range ?? null);
    const mode = mirror.mode;
    if (mode.kind === 'silent') return;
    if (mode.kind === 'endless') {
      response.writeHead(200);
      endless(response);
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const payload = mirror.body.subarray(start);
    response.writeHead(range ? 206 : 200, {
      'Content-Length': String(payload.length),
      ETag: '"hostile-mirror"',
      ...(range
        ? { 'Content-Range': `bytes ${start}-${mirror.body.length - 1}/${mirror.body.length}` }
        : {}),
    });
    if (mode.kind === 'stall') {
      response.flushHeaders();
      return;
    }
    if (mode.kind === 'held') {
      const half = Math.floor(payload.length / 2);
      response.write(payload.subarray(0, half));
      void mode.release.then(() => {
        if (!response.destroyed) response.end(payload.subarray(half));
      });
      return;
    }
    if (mode.kind === 'trickle' || mode.kind === 'slow') {
      trickle(response, payload, mode.everyMs, mode.kind === 'slow' ? mode.bytes : 1);
      return;
    }
    response.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(mirror, {
    url: `http://127.0.0.1:${port}/cifar-10-binary.tar.gz`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function endless(response: ServerResponse): void {
  const chunk = new Uint8Array(64 * 1024);
  let sent = 0;
  const write = () => {
    while (sent < 2 ** 30 && !response.destroyed) {
      sent += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', write);
        return;
      }
    }
    response.end();
  };
  write();
}

function trickle(
  response: ServerResponse,
  payload: Uint8Array,
  everyMs: number,
  bytes: number,
): void {
  let sent = 0;
  const timer = setInterval(() => {
    if (response.destroyed || sent >= payload.length) {
      clearInterval(timer);
      response.end();
      return;
    }
    response.write(payload.subarray(sent, sent + bytes));
    sent += bytes;
  }, everyMs);
  response.on('close', () => clearInterval(timer));
}
