import { describe, expect, it } from 'vitest';
import {
  createBarProgress,
  createLineProgress,
  formatBar,
  type ProgressUpdate,
} from './progress-display.js';

describe('createLineProgress', () => {
  it('prints every N batches and at the end of each epoch', () => {
    const lines: string[] = [];
    const progress = createLineProgress((l) => lines.push(l), 2);
    for (let batch = 1; batch <= 5; batch++) {
      progress.update({
        epoch: 1,
        epochs: 2,
        batch,
        batchesPerEpoch: 5,
        imagesPerSecond: 123.4,
        loss: 2.5,
      });
    }
    expect(lines).toEqual([
      'epoch 1/2 batch 2/5 (40%) 123 img/s loss 2.500',
      'epoch 1/2 batch 4/5 (80%) 123 img/s loss 2.500',
      'epoch 1/2 batch 5/5 (100%) 123 img/s loss 2.500',
    ]);
  });
});

const ESC = '\x1b';

/**
 * The part of a VT100 terminal the bar may use: printable text, `\r`, `\n`, erase to end of
 * line and cursor show/hide. Anything else (ESC 7/ESC 8, cursor movement) fails the test, so
 * the screen below is exactly what a user would see.
 */
class Screen {
  readonly rows: string[] = [''];
  private row = 0;
  private column = 0;
  cursorVisible = true;

  feed(bytes: string): void {
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i] as string;
      if (c === '\x1b') {
        const rest = bytes.slice(i);
        const control = new RegExp(`^${ESC}\\[(K|\\?25l|\\?25h)`).exec(rest);
        if (!control)
          throw new Error(`unexpected control sequence ${JSON.stringify(rest.slice(0, 6))}`);
        if (control[1] === 'K')
          this.rows[this.row] = (this.rows[this.row] ?? '').slice(0, this.column);
        else this.cursorVisible = control[1] === '?25h';
        i += control[0].length - 1;
      } else if (c === '\r') {
        this.column = 0;
      } else if (c === '\n') {
        this.row++;
        this.column = 0;
        if (this.rows.length <= this.row) this.rows.push('');
      } else {
        const line = (this.rows[this.row] ?? '').padEnd(this.column);
        this.rows[this.row] = line.slice(0, this.column) + c + line.slice(this.column + 1);
        this.column++;
      }
    }
  }
}

function epochOf(epoch: number, batchesPerEpoch: number): ProgressUpdate[] {
  return Array.from({ length: batchesPerEpoch }, (_, i) => ({
    epoch,
    epochs: 2,
    batch: i + 1,
    batchesPerEpoch,
    imagesPerSecond: 1000 + i,
    loss: 2.3 - i / 100,
  }));
}

describe('createBarProgress', () => {
  function recordedRun() {
    const writes: string[] = [];
    let time = 0;
    const terminal = { columns: 120, write: (text: string) => writes.push(text) };
    const progress = createBarProgress(terminal, { now: () => time });
    for (const epoch of [1, 2]) {
      for (const update of epochOf(epoch, 50)) {
        time += 30;
        progress.update(update);
        if (update.batch === 25) progress.log(`[${epoch},    25] loss: 2.300`);
      }
      progress.log(`epoch ${epoch}: train loss 2.3000, test accuracy 1${epoch}.0 %`);
    }
    progress.stop();
    return { writes, progress };
  }

  it('clears the bar before every line it prints and never saves or restores the cursor', () => {
    const { writes } = recordedRun();
    const stream = writes.join('');
    expect(stream).not.toContain(`${ESC}7`);
    expect(stream).not.toContain(`${ESC}8`);
    let barVisible = false;
    for (const text of writes) {
      if (text.endsWith('\n')) {
        // a log line: it must first take the bar's line back
        if (barVisible) expect(text.startsWith('\r\x1b[K')).toBe(true);
        expect(text.slice(0, -1)).not.toContain('\n');
        barVisible = false;
      } else if (text.includes('epoch ') && text.includes('|')) {
        // a redraw: one line from column 0, erased to the end, never wrapping
        const redraw = new RegExp(`^(${ESC}\\[\\?25l)?\\repoch \\d/2 \\|[█░]{30}\\| .*${ESC}\\[K$`);
        expect(text).toMatch(redraw);
        barVisible = true;
      }
    }
    // stop(): the bar's line is erased and the cursor shown again, and that is the last write
    expect(writes.at(-1)).toBe('\r\x1b[K\x1b[?25h');
  });

  it('leaves the log lines intact and an empty line for the results that follow', () => {
    const { writes, progress } = recordedRun();
    const screen = new Screen();
    for (const text of writes) screen.feed(text);
    // what bin.ts prints on stdout afterwards, and a late update and log after stop
    progress.update(epochOf(2, 50)[10] as ProgressUpdate);
    screen.feed('test accuracy 12.0 % on 500 images, loss 2.2971\nweights: run/w.safetensors\n');
    expect(screen.rows).toEqual([
      '[1,    25] loss: 2.300',
      'epoch 1: train loss 2.3000, test accuracy 11.0 %',
      '[2,    25] loss: 2.300',
      'epoch 2: train loss 2.3000, test accuracy 12.0 %',
      'test accuracy 12.0 % on 500 images, loss 2.2971',
      'weights: run/w.safetensors',
      '',
    ]);
    expect(screen.cursorVisible).toBe(true);
  });

  it('writes nothing after stop, even for updates that arrive late', () => {
    const writes: string[] = [];
    const progress = createBarProgress({ columns: 80, write: (t: string) => writes.push(t) });
    progress.update(epochOf(1, 10)[0] as ProgressUpdate);
    progress.stop();
    const count = writes.length;
    for (const update of epochOf(1, 10)) progress.update(update);
    progress.stop();
    expect(writes.length).toBe(count);
  });

  it('redraws at most once per interval, and always for the last batch of an epoch', () => {
    const writes: string[] = [];
    let time = 0;
    const progress = createBarProgress(
      { columns: 80, write: (t: string) => writes.push(t) },
      { now: () => time, redrawEveryMs: 100 },
    );
    for (const update of epochOf(1, 100)) {
      time += 10; // 1 s for the epoch: 10 redraws plus the first and the last batch
      progress.update(update);
    }
    const redraws = writes.filter((t) => t.includes('img/s'));
    expect(redraws.length).toBeGreaterThanOrEqual(10);
    expect(redraws.length).toBeLessThanOrEqual(12);
    expect(redraws.at(-1)).toContain('100% 100/100 |');
    progress.stop();
  });

  it('assumes 80 columns on a terminal that reports none (script, some CI)', () => {
    const writes: string[] = [];
    const progress = createBarProgress({ columns: 0, write: (t: string) => writes.push(t) });
    progress.update(epochOf(1, 10)[3] as ProgressUpdate);
    expect(writes.join('').endsWith(`| 40% 4/10 | 1003 img/s | loss 2.270 | ETA –${ESC}[K`)).toBe(
      true,
    );
    progress.stop();
  });

  it('cuts the bar to the terminal width so it never wraps onto a second line', () => {
    const writes: string[] = [];
    const progress = createBarProgress({ columns: 40, write: (t: string) => writes.push(t) });
    progress.update(epochOf(1, 10)[3] as ProgressUpdate);
    const screen = new Screen();
    for (const text of writes) screen.feed(text);
    expect(screen.rows).toHaveLength(1);
    expect((screen.rows[0] as string).length).toBe(39);
    progress.stop();
  });
});

describe('formatBar', () => {
  it('shows the epoch, the bar, the batches, speed, loss and the time left', () => {
    const update = epochOf(1, 500)[224] as ProgressUpdate;
    expect(formatBar(update, 75, 120)).toBe(
      `epoch 1/2 |${'█'.repeat(14)}${'░'.repeat(16)}| 45% 225/500 | 1224 img/s | loss 0.060 | ETA 1:15`,
    );
  });

  it('narrows the bar to fit 80 columns', () => {
    const update = {
      epoch: 1,
      epochs: 2,
      batch: 5625,
      batchesPerEpoch: 12500,
      imagesPerSecond: 1450.2,
      loss: 1.2345,
    };
    const line = formatBar(update, 3725, 79);
    expect(line).toBe(
      `epoch 1/2 |${'█'.repeat(5)}${'░'.repeat(7)}| 45% 5625/12500 | 1450 img/s | loss 1.234 | ETA 1:02:05`,
    );
    expect(line.length).toBe(79);
  });
});
