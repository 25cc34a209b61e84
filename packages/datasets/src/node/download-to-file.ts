import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';

/** Bytes received so far (including a resumed part) and the whole size when known. */
export interface DownloadProgress {
  readonly bytes: number;
  readonly total: number | undefined;
}

export interface DownloadToFileOptions {
  readonly url: string;
  /** The file being written; it holds the bytes received so far between attempts and runs. */
  readonly destination: string;
  /** Sidecar file remembering the server's validators for `If-Range`. */
  readonly infoFile: string;
  /** Further attempts after a failed one. */
  readonly retries: number;
  /** Wait before the first retry; doubled for each later one. */
  readonly retryDelayMs: number;
  readonly onProgress?: ((progress: DownloadProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

interface PartialInfo {
  readonly url: string;
  readonly validator: string | undefined;
}

/** A failure worth another attempt: dropped connection, truncated body, 5xx, 408, 429. */
class RetryableError extends Error {}

/**
 * Downloads `url` into `destination`, resuming from the bytes already there with an HTTP
 * Range request. `If-Range` carries the server's ETag or Last-Modified, so a changed file is
 * sent whole (200) and we restart instead of splicing two versions together.
 */
export async function downloadToFile(options: DownloadToFileOptions): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      await attemptDownload(options);
      return;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const retryable = error instanceof RetryableError || error instanceof TypeError;
      if (!retryable || attempt >= options.retries) {
        throw new Error(
          `Downloading ${options.url} failed after ${attempt + 1} attempt(s): ${(error as Error).message}${causeText(error)}. Check the network or pass another mirror URL; the partial file ${options.destination} is kept so the next run resumes.`,
        );
      }
      await sleep(options.retryDelayMs * 2 ** attempt, options.signal);
    }
  }
}

async function attemptDownload(options: DownloadToFileOptions): Promise<void> {
  const { url, destination, infoFile, signal } = options;
  const have = await sizeOf(destination);
  const info = await readInfo(infoFile);
  const headers: Record<string, string> = {};
  if (have > 0 && info?.url === url) {
    headers.Range = `bytes=${have}-`;
    if (info.validator !== undefined) headers['If-Range'] = info.validator;
  }
  const response = await fetch(url, { headers, signal: signal ?? null });
  let start: number;
  let total: number | undefined;
  if (response.status === 206 && headers.Range !== undefined) {
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== have) {
      await response.body?.cancel();
      await rm(destination, { force: true });
      throw new RetryableError(
        `server answered Range bytes=${have}- with Content-Range ${JSON.stringify(response.headers.get('content-range'))}; restarting from the beginning`,
      );
    }
    start = have;
    total = range[2] === '*' ? undefined : Number(range[2]);
  } else if (response.status === 200) {
    start = 0;
    const length = response.headers.get('content-length');
    total = length === null ? undefined : Number(length);
  } else {
    await response.body?.cancel();
    if (response.status === 416) {
      // Our partial file is not a prefix of what the server has (or is already whole but
      // unverified): start over.
      await rm(destination, { force: true });
      throw new RetryableError('server refused the resume range (416)');
    }
    const message = `HTTP ${response.status} ${response.statusText}`;
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw retryable ? new RetryableError(message) : new Error(message);
  }
  const etag = response.headers.get('etag');
  // If-Range only accepts a strong ETag; a weak one (W/"…") falls back to Last-Modified.
  const validator =
    etag && !etag.startsWith('W/') ? etag : (response.headers.get('last-modified') ?? undefined);
  await writeFile(infoFile, JSON.stringify({ url, validator } satisfies PartialInfo));

  const file = await open(destination, start === 0 ? 'w' : 'a');
  let received = start;
  options.onProgress?.({ bytes: received, total });
  try {
    if (response.body) {
      for await (const chunk of response.body) {
        await file.write(chunk);
        received += chunk.length;
        options.onProgress?.({ bytes: received, total });
      }
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new RetryableError(
      `connection lost after ${received} bytes (${(error as Error).message})`,
    );
  } finally {
    await file.close();
  }
  if (total !== undefined && received !== total) {
    throw new RetryableError(`connection closed after ${received} of ${total} bytes`);
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function readInfo(path: string): Promise<PartialInfo | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as PartialInfo;
  } catch {
    return undefined;
  }
}

function causeText(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : '';
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
