// A local HTTP server (127.0.0.1, random port) that serves one archive and can misbehave
// the ways real and hostile mirrors do: cut connections, ignore Range, stall, never answer,
// trickle, send without end or announce a wrong size.
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ArchiveServerBehaviour {
  body: Uint8Array;
  /** Answer Range requests with 206 (when If-Range matches the ETag). */
  supportsRange: boolean;
  /** The first `cutResponses` responses send only `cutAfterBytes` bytes, then drop the socket. */
  cutResponses: number;
  cutAfterBytes: number;
  /** The first `stallResponses` responses send `cutAfterBytes` bytes, then hang. */
  stallResponses: number;
  /** Never answer: the request waits for headers that do not come. */
  silent: boolean;
  /** Send the body one byte every `trickleMs` ms (0: all at once). */
  trickleMs: number;
  /** Send endless zeros without a Content-Length (stops after 1 GiB or when the client leaves). */
  endless: boolean;
  /** Announce this Content-Length instead of the body's. */
  announcedLength: number | undefined;
}

export interface ArchiveServer {
  readonly url: string;
  readonly behaviour: ArchiveServerBehaviour;
  readonly requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

const ETAG = '"cifar-test-v1"';

export async function startArchiveServer(body: Uint8Array): Promise<ArchiveServer> {
  const behaviour: ArchiveServerBehaviour = {
    body,
    supportsRange: true,
    cutResponses: 0,
    cutAfterBytes: 0,
    stallResponses: 0,
    silent: false,
    trickleMs: 0,
    endless: false,
    announcedLength: undefined,
  };
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.headers);
    if (!request.url?.endsWith('.tar.gz')) {
      response.writeHead(404).end();
      return;
    }
    if (behaviour.silent) return; // the socket stays open until the client gives up
    if (behaviour.endless) {
      sendEndless(response);
      return;
    }
    const whole = behaviour.body;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const ifRange = request.headers['if-range'];
    const partial =
      behaviour.supportsRange && range !== null && (ifRange === undefined || ifRange === ETAG);
    const start = partial ? Number(range?.[1]) : 0;
    if (start >= whole.length && partial) {
      response.writeHead(416, { 'Content-Range': `bytes */${whole.length}` }).end();
      return;
    }
    const payload = whole.subarray(start);
    response.writeHead(partial ? 206 : 200, {
      'Content-Length': String(behaviour.announcedLength ?? payload.length),
      'Content-Type': 'application/gzip',
      ETag: ETAG,
      ...(behaviour.supportsRange ? { 'Accept-Ranges': 'bytes' } : {}),
      ...(partial ? { 'Content-Range': `bytes ${start}-${whole.length - 1}/${whole.length}` } : {}),
    });
    if (behaviour.stallResponses > 0) {
      behaviour.stallResponses--;
      response.write(payload.subarray(0, behaviour.cutAfterBytes));
      return; // never ends: the client has to give up (abort)
    }
    if (behaviour.cutResponses > 0) {
      behaviour.cutResponses--;
      // Cut the connection once the client has had time to read what was sent: destroying at
      // once lets newer Node versions (undici) drop the received bytes with the socket.
      response.write(payload.subarray(0, behaviour.cutAfterBytes), () =>
        setTimeout(() => response.destroy(), 200),
      );
      return;
    }
    if (behaviour.trickleMs > 0) {
      trickle(response, payload, behaviour.trickleMs);
      return;
    }
    response.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/cifar-10-binary.tar.gz`,
    behaviour,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Zeros without end (bounded at 1 GiB so a broken client cannot keep the test running). */
function sendEndless(response: ServerResponse): void {
  response.writeHead(200, { 'Content-Type': 'application/gzip' });
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

/** One byte every `ms` until the body is sent or the client leaves. */
function trickle(response: ServerResponse, payload: Uint8Array, ms: number): void {
  let sent = 0;
  const timer = setInterval(() => {
    if (response.destroyed || sent >= payload.length) {
      clearInterval(timer);
      response.end();
      return;
    }
    response.write(payload.subarray(sent, sent + 1));
    sent++;
  }, ms);
  response.on('close', () => clearInterval(timer));
}
