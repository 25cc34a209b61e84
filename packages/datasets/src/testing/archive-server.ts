// A local HTTP server (127.0.0.1, random port) that serves one archive and can misbehave
// the ways real mirrors do: cut connections, ignore Range, stall.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
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
  };
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.headers);
    if (!request.url?.endsWith('.tar.gz')) {
      response.writeHead(404).end();
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
      'Content-Length': String(payload.length),
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
