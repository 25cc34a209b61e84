import { afterEach, describe, expect, it, vi } from 'vitest';
import { imageFolderProgress } from './image-folder-progress.js';

function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('imageFolderProgress', () => {
  it('writes a line every 5 s to a log, and the end of a run that took more than a second', () => {
    const clock = fakeClock();
    const out: string[] = [];
    const progress = imageFolderProgress('photos', { write: (t) => out.push(t) }, clock);
    progress.onProgress({ phase: 'indexing', files: 10 });
    clock.advance(5000);
    progress.onProgress({ phase: 'indexing', files: 4000 });
    clock.advance(1000);
    progress.onProgress({ phase: 'decoding', done: 100, total: 5000, fromCache: 0 });
    clock.advance(4000);
    progress.onProgress({ phase: 'decoding', done: 2000, total: 5000, fromCache: 300 });
    clock.advance(2000);
    progress.onProgress({ phase: 'decoding', done: 5000, total: 5000, fromCache: 300 });
    progress.stop();
    expect(out).toEqual([
      'cnnkit: photos: listing files… 4,000\n',
      'cnnkit: photos: decoding images 2,000/5,000 (40 %), 200/s, 300 from the cache\n',
      'cnnkit: photos: decoding images 5,000/5,000 (100 %), 417/s, 300 from the cache\n',
    ]);
  });

  it('says nothing about a folder read in under a second', () => {
    const clock = fakeClock();
    const out: string[] = [];
    const progress = imageFolderProgress('photos', { write: (t) => out.push(t) }, clock);
    progress.onProgress({ phase: 'indexing', files: 20 });
    clock.advance(300);
    progress.onProgress({ phase: 'decoding', done: 20, total: 20, fromCache: 0 });
    progress.stop();
    expect(out).toEqual([]);
  });

  it('redraws one line on a terminal and clears it at the end', () => {
    vi.stubEnv('CI', '');
    const clock = fakeClock();
    const out: string[] = [];
    const sink = { isTTY: true, write: (t: string) => out.push(t) };
    const progress = imageFolderProgress('photos', sink, clock);
    clock.advance(200);
    progress.onProgress({ phase: 'decoding', done: 10, total: undefined, fromCache: 0 });
    clock.advance(50);
    progress.onProgress({ phase: 'decoding', done: 12, total: undefined, fromCache: 0 });
    progress.stop();
    expect(out).toEqual(['\rphotos: decoding images 10, 50/s, 0 from the cache\x1b[K', '\r\x1b[K']);
  });
});
