import { formatCount } from '../format-count.js';

/** Time limits of a download, in milliseconds. */
export interface DownloadTimeouts {
  /** From each request until the server's response headers arrive. */
  readonly connectTimeoutMs: number;
  /** The longest wait for the next bytes of a response body. */
  readonly idleTimeoutMs: number;
  /** The whole download, every attempt and wait included. */
  readonly deadlineMs: number;
}

/** setTimeout fires at once for more than 2^31 − 1 ms (24.8 days); longer is "no limit". */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Which time limit ended an attempt. */
export type TimeLimit = 'connect' | 'idle' | 'deadline';

/** An attempt stopped by one of its time limits. */
export class TimeLimitError extends Error {
  constructor(
    readonly limit: TimeLimit,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The time limits of one download attempt, as one AbortSignal for fetch and its body: no
 * response headers within `connectTimeoutMs`, no body bytes for `idleTimeoutMs`, or the whole
 * download's deadline reached. Node's fetch alone would wait 300 s for headers and for each
 * body chunk, and forever for a server that trickles a byte now and then.
 */
export class AttemptTimers {
  private readonly controller = new AbortController();
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private idle: ReturnType<typeof setTimeout> | undefined;
  private readonly onUserAbort: () => void;

  constructor(
    private readonly limits: DownloadTimeouts,
    deadline: number,
    private readonly userSignal: AbortSignal | undefined,
  ) {
    this.onUserAbort = () => this.controller.abort(userSignal?.reason);
    userSignal?.addEventListener('abort', this.onUserAbort, { once: true });
    this.idle = this.stopAfter(
      limits.connectTimeoutMs,
      new TimeLimitError(
        'connect',
        `no answer from the server within ${seconds(limits.connectTimeoutMs)}`,
      ),
    );
    this.timers.push(
      this.stopAfter(
        Math.max(0, deadline - Date.now()),
        new TimeLimitError(
          'deadline',
          `the download did not finish within its deadline of ${seconds(limits.deadlineMs)}`,
        ),
      ),
    );
  }

  /** Aborted when the user aborts or a time limit is reached. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The response headers arrived: from now on the idle limit applies. */
  connected(): void {
    this.receivedBytes();
  }

  /** Bytes arrived: the idle limit starts again. */
  receivedBytes(): void {
    clearTimeout(this.idle);
    this.idle = this.stopAfter(
      this.limits.idleTimeoutMs,
      new TimeLimitError(
        'idle',
        `the server sent nothing for ${seconds(this.limits.idleTimeoutMs)}`,
      ),
    );
  }

  /** Why the attempt failed: the time limit that aborted it, or `error` itself. */
  reasonFor(error: unknown): unknown {
    const reason = this.controller.signal.reason;
    return this.controller.signal.aborted && reason instanceof TimeLimitError ? reason : error;
  }

  clear(): void {
    clearTimeout(this.idle);
    for (const timer of this.timers) clearTimeout(timer);
    this.userSignal?.removeEventListener('abort', this.onUserAbort);
  }

  private stopAfter(ms: number, reason: TimeLimitError): ReturnType<typeof setTimeout> {
    return setTimeout(() => this.controller.abort(reason), Math.min(ms, MAX_TIMER_MS));
  }
}

function seconds(ms: number): string {
  return `${formatCount(ms / 1000)} s`;
}
