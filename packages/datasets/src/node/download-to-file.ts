import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { formatCount } from '../format-count.js';
import { AttemptTimers, type DownloadTimeouts, TimeLimitError } from './attempt-timers.js';
import { sleep } from './sleep.js';

/** Bytes received so far (including a resumed part) and the whole size when known. */
export interface DownloadProgress {
  readonly bytes: number;
  readonly total: number | undefined;
}

/** A failed attempt that will be tried again after `delayMs`. */
export interface DownloadRetry {
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  /** Attempts in all, retries included. */
  readonly attempts: number;
  readonly delayMs: number;
  /** Why the attempt failed, one line. */
  readonly reason: string;
}

export interface DownloadToFileOptions extends DownloadTimeouts {
  readonly url: string;
  /** The file being written; it holds the bytes received so far between attempts and runs. */
  readonly destination: string;
  /** Sidecar file remembering the server's validators for `If-Range`. */
  readonly infoFile: string;
  /** The size the file must have: a server announcing or sending more is refused at once. */
  readonly expectedSize: number;
  /** Further attempts after a failed one. */
  readonly retries: number;
  /** Wait before the first retry; doubled for each later one. */
  readonly retryDelayMs: number;
  readonly onProgress?: ((progress: DownloadProgress) => void) | undefined;
  readonly onRetry?: ((retry: DownloadRetry) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

interface PartialInfo {
  readonly url: string;
  readonly validator: string | undefined;
}

/** A failure worth another attempt: dropped connection, truncated body, 5xx, 408, 429, time-outs. */
class RetryableError extends Error {}

/** The server sends another file than the one expected: retrying cannot help. */
class WrongFileError extends Error {}

/**
 * Downloads `url` into `destination`, resuming from the bytes already there with an HTTP
 * Range request. `If-Range` carries the server's ETag or Last-Modified, so a changed file is
 * sent whole (200) and we restart instead of splicing two versions together. Never writes more
 * than `expectedSize` bytes, and gives up on a silent server after the time limits.
 */
export async function downloadToFile(options: DownloadToFileOptions): Promise<void> {
  const deadline = Date.now() + options.deadlineMs;
  const attempts = options.retries + 1;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      await attemptDownload(options, deadline);
      return;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (error instanceof WrongFileError) {
        await rm(options.destination, { force: true });
        await rm(options.infoFile, { force: true });
        throw new Error(
          `Downloading ${options.url}: ${error.message}; the server sends another file than the one expected, so nothing was kept. Check the URL, or give the mirror's own size and MD5.`,
        );
      }
      const pastDeadline = error instanceof TimeLimitError && error.limit === 'deadline';
      const retryable =
        error instanceof RetryableError ||
        error instanceof TypeError ||
        (error instanceof TimeLimitError && !pastDeadline);
      const delayMs = options.retryDelayMs * 2 ** (attempt - 1);
      const noTimeLeft = !pastDeadline && Date.now() + delayMs >= deadline;
      if (!retryable || attempt >= attempts || pastDeadline || noTimeLeft) {
        const why = noTimeLeft
          ? `${describe(error)}, and the deadline of ${seconds(options.deadlineMs)} leaves no time for another attempt`
          : describe(error);
        throw new Error(
          `Downloading ${options.url} failed after ${attempt} attempt(s): ${why}. ${await keptText(options)} Check the network or use another mirror.`,
        );
      }
      options.onRetry?.({ attempt, attempts, delayMs, reason: describe(error) });
      await sleep(delayMs, options.signal);
    }
  }
}

async function attemptDownload(options: DownloadToFileOptions, deadline: number): Promise<void> {
  const { url, destination, infoFile, expectedSize } = options;
  const have = await sizeOf(destination);
  if (have > expectedSize) await rm(destination, { force: true });
  const resumeFrom = have > expectedSize ? 0 : have;
  const info = await readInfo(infoFile);
  const headers: Record<string, string> = {};
  if (resumeFrom > 0 && info?.url === url) {
    headers.Range = `bytes=${resumeFrom}-`;
    if (info.validator !== undefined) headers['If-Range'] = info.validator;
  }
  const timers = new AttemptTimers(options, deadline, options.signal);
  try {
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: timers.signal });
    } catch (error) {
      throw timers.reasonFor(error);
    }
    timers.connected();
    const { start, total } = await acceptResponse(response, headers, resumeFrom, options);
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
          timers.receivedBytes();
          if (received + chunk.length > expectedSize) {
            throw new WrongFileError(
              `it sent more than the expected ${formatCount(expectedSize)} bytes`,
            );
          }
          await file.write(chunk);
          received += chunk.length;
          options.onProgress?.({ bytes: received, total });
        }
      }
    } catch (error) {
      if (error instanceof WrongFileError) throw error;
      const reason = timers.reasonFor(error);
      if (reason instanceof TimeLimitError || options.signal?.aborted) throw reason;
      throw new RetryableError(
        `connection lost after ${formatCount(received)} bytes (${(error as Error).message})`,
      );
    } finally {
      await file.close();
    }
    if (received < expectedSize) {
      throw new RetryableError(
        `connection closed after ${formatCount(received)} of ${formatCount(expectedSize)} bytes`,
      );
    }
  } finally {
    timers.clear();
  }
}

/** Checks the status and the announced size; returns where the body starts in the file. */
async function acceptResponse(
  response: Response,
  headers: Record<string, string>,
  have: number,
  options: DownloadToFileOptions,
): Promise<{ start: number; total: number | undefined }> {
  const { destination, expectedSize } = options;
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
  if (total !== undefined && total !== expectedSize) {
    await response.body?.cancel();
    throw new WrongFileError(
      `the server announces ${formatCount(total)} bytes, expected ${formatCount(expectedSize)}`,
    );
  }
  return { start, total };
}

async function keptText({ destination, infoFile }: DownloadToFileOptions): Promise<string> {
  const kept = await sizeOf(destination);
  if (kept <= 0) {
    await rm(destination, { force: true });
    await rm(infoFile, { force: true });
    return 'Nothing was downloaded.';
  }
  return `The ${formatCount(kept)} bytes received are kept in ${destination}, and the next run resumes from there.`;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? ` (${cause.message})` : '';
  return `${(error as Error).message}${causeText}`.replace(/\s*\n\s*/g, ' ');
}

function seconds(ms: number): string {
  return `${formatCount(ms / 1000)} s`;
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
