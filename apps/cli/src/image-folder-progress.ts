import type { ImageFolderProgress } from '@cnnkit/datasets';

const count = (n: number) => n.toLocaleString('en-US');

/** What the indexing/decoding progress writes to: the terminal, or lines for logs and CI. */
export interface ProgressSink {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Shows an image folder being indexed and decoded: one redrawn line on a terminal
 * (`decoding images 1,234/5,000 (24 %), 812/s, 300 from the cache`), on other output a line
 * every `everyMs` (5 s) and one at the end. Returns the `onProgress` callback and `stop`, which
 * clears the line.
 */
export function imageFolderProgress(
  label: string,
  sink: ProgressSink = process.stderr,
  { everyMs = 5000, now = () => performance.now() } = {},
): { onProgress: (progress: ImageFolderProgress) => void; stop: () => void } {
  const tty = sink.isTTY === true && !process.env.CI;
  const started = now();
  // Nothing for the first moments: a small folder is done before a line would help.
  let lastShown = started;
  let drawn = false;
  const text = (p: ImageFolderProgress): string => {
    if (p.phase === 'indexing') return `${label}: listing files… ${count(p.files)}`;
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? ` ${count(Math.round(p.done / seconds))}/s,` : '';
    const of = p.total === undefined ? '' : `/${count(p.total)}`;
    const percent = p.total ? ` (${Math.floor((100 * p.done) / p.total)} %)` : '';
    return `${label}: decoding images ${count(p.done)}${of}${percent},${rate} ${count(p.fromCache)} from the cache`;
  };
  return {
    onProgress(p) {
      const finished = p.phase === 'decoding' && p.total !== undefined && p.done === p.total;
      if (!finished && now() - lastShown < (tty ? 100 : everyMs)) return;
      lastShown = now();
      if (tty) {
        sink.write(`\r${text(p)}\x1b[K`);
        drawn = true;
      } else if (!finished || now() - started > 1000) {
        sink.write(`cnnkit: ${text(p)}\n`);
      }
    },
    stop() {
      if (drawn) sink.write('\r\x1b[K');
      drawn = false;
    },
  };
}
