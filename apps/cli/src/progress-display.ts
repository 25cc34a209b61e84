import cliProgress from 'cli-progress';

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
  /** Prints a line without breaking the bar. */
  log(line: string): void;
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

/** A live bar with images/s and ETA for the current epoch, redrawn at most 10 times a second. */
export function createBarProgress(stream: NodeJS.WriteStream): ProgressDisplay {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        'epoch {epoch}/{epochs} |{bar}| {percentage}% | {value}/{total} batches | {ips} img/s | loss {loss} | ETA {eta_formatted}',
      fps: 10,
      etaBuffer: 200,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let epochShown = -1;
  return {
    update(p) {
      const payload = {
        epoch: p.epoch,
        epochs: p.epochs,
        ips: p.imagesPerSecond.toFixed(0),
        loss: p.loss.toFixed(3),
      };
      if (epochShown !== p.epoch) {
        if (epochShown !== -1) bar.stop();
        bar.start(p.batchesPerEpoch, p.batch, payload);
        epochShown = p.epoch;
      } else {
        bar.update(p.batch, payload);
      }
    },
    log(line) {
      // cli-progress redraws on the current line; print above it.
      stream.write(`\r\x1b[2K${line}\n`);
    },
    stop() {
      if (epochShown !== -1) bar.stop();
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
