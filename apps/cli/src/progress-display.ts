/** What the progress display shows after each batch. */
export interface ProgressUpdate {
  readonly epoch: number; // 1-based
  readonly epochs: number;
  readonly batch: number; // batches done in this epoch
  readonly batchesPerEpoch: number;
  readonly imagesPerSecond: number;
  readonly loss: number;
}

/** Shows training progress: a live bar on a terminal, occasional plain lines otherwise. */
export interface ProgressDisplay {
  update(progress: ProgressUpdate): void;
  /** Prints a line above the bar; the bar never overwrites it. */
  log(line: string): void;
  /** Removes the bar and gives the line back to whatever prints next; no redraw follows. */
  stop(): void;
}

/** Plain lines for logs and CI: one every `everyBatches` batches and one at each epoch end. */
export function createLineProgress(
  write: (line: string) => void,
  everyBatches: number,
): ProgressDisplay {
  return {
    update(p) {
      if (p.batch % everyBatches !== 0 && p.batch !== p.batchesPerEpoch) return;
      const percent = ((100 * p.batch) / p.batchesPerEpoch).toFixed(0);
      write(
        `epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batchesPerEpoch} (${percent}%) ` +
          `${p.imagesPerSecond.toFixed(0)} img/s loss ${p.loss.toFixed(3)}`,
      );
    },
    log: write,
    stop() {},
  };
}

/** The terminal a bar draws on: `write` plus the width, read at each redraw (it may change). */
export interface BarTerminal {
  write(text: string): unknown;
  readonly columns?: number;
}

export interface BarOptions {
  /** Milliseconds between redraws at most. Default 100. */
  readonly redrawEveryMs?: number;
  /** Clock in milliseconds; tests pass their own. */
  readonly now?: () => number;
}

// The whole protocol: every redraw is `\r` + text + "erase to end of line", on one line that
// never wraps (the text is cut to the width minus one), so the cursor never leaves that line
// and nothing depends on saved cursor positions (cli-progress's ESC 7/ESC 8 jumped back to a
// row that log lines had scrolled away, and its redraw timer could fire after the results).
const returnAndErase = '\r\x1b[K';
const eraseToEnd = '\x1b[K';
const hideCursor = '\x1b[?25l';
const showCursor = '\x1b[?25h';

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m % 60)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/**
 * `epoch 1/2 |████░░░░| 45% 225/500 | 1450 img/s | loss 2.301 | ETA 0:12`, the bar between
 * 10 and 30 characters so that the line fits `width` where it can.
 */
export function formatBar(p: ProgressUpdate, etaSeconds: number, width = 80): string {
  const fraction = p.batchesPerEpoch > 0 ? Math.min(1, p.batch / p.batchesPerEpoch) : 1;
  const head = `epoch ${p.epoch}/${p.epochs} |`;
  const tail =
    `| ${Math.floor(100 * fraction)}% ${p.batch}/${p.batchesPerEpoch} | ` +
    `${p.imagesPerSecond.toFixed(0)} img/s | loss ${p.loss.toFixed(3)} | ETA ${clock(etaSeconds)}`;
  const barWidth = Math.max(10, Math.min(30, width - head.length - tail.length));
  const filled = Math.round(fraction * barWidth);
  return `${head}${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}${tail}`;
}

/**
 * A live one-line bar for the current epoch, redrawn at most every `redrawEveryMs` and only
 * from `update` (no timer, so nothing is drawn after `stop`). Lines from `log` are written
 * over the bar, which is drawn again below them.
 */
export function createBarProgress(
  terminal: BarTerminal,
  options: BarOptions = {},
): ProgressDisplay {
  const { redrawEveryMs = 100, now = () => performance.now() } = options;
  let latest: ProgressUpdate | undefined;
  let shownEpoch: number | undefined; // the epoch of the bar on screen, if one is visible
  let cursorHidden = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let epochStart: { epoch: number; batch: number; time: number } | undefined;
  let stopped = false;

  const eta = (p: ProgressUpdate): number => {
    if (epochStart === undefined || p.batch <= epochStart.batch) return Number.NaN;
    const perBatch = (now() - epochStart.time) / 1000 / (p.batch - epochStart.batch);
    return perBatch * (p.batchesPerEpoch - p.batch);
  };
  const draw = (p: ProgressUpdate) => {
    // A pseudo-terminal that was never sized (`script`, some CI) reports 0 columns.
    const width = Math.max(10, (terminal.columns || 80) - 1);
    terminal.write(
      `${cursorHidden ? '' : hideCursor}\r${formatBar(p, eta(p), width).slice(0, width)}${eraseToEnd}`,
    );
    cursorHidden = true;
    shownEpoch = p.epoch;
    lastDraw = now();
  };
  const release = () => {
    const text = `${shownEpoch === undefined ? '' : returnAndErase}${cursorHidden ? showCursor : ''}`;
    if (text !== '') terminal.write(text);
    shownEpoch = undefined;
    cursorHidden = false;
  };
  // A second Ctrl-C exits at once (process.exit): give the line and the cursor back even then.
  process.once('exit', release);

  return {
    update(p) {
      if (stopped) return;
      if (epochStart === undefined || epochStart.epoch !== p.epoch) {
        epochStart = { epoch: p.epoch, batch: p.batch, time: now() };
      }
      latest = p;
      if (
        shownEpoch !== p.epoch ||
        p.batch === p.batchesPerEpoch ||
        now() - lastDraw >= redrawEveryMs
      ) {
        draw(p);
      }
    },
    log(line) {
      terminal.write(`${shownEpoch === undefined ? '' : returnAndErase}${line}\n`);
      shownEpoch = undefined;
      if (!stopped && latest) draw(latest);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      release();
      process.off('exit', release);
    },
  };
}

/** The bar on an interactive terminal, plain lines when output is piped or in CI. */
export function createProgressDisplay(
  stream: NodeJS.WriteStream = process.stderr,
): ProgressDisplay {
  if (stream.isTTY && !process.env.CI) return createBarProgress(stream);
  return createLineProgress((line) => stream.write(`${line}\n`), 500);
}
