import { describe, expect, test } from 'vitest';
import type { ImageFolderSummary } from '../protocol.js';
import { hiddenText, skippedText, splitText } from './your-images-text.js';

const report: ImageFolderSummary['report'] = {
  root: 'photos',
  split: { kind: 'seeded', valSplit: 0.1, seed: 0 },
  classes: [],
  skipped: [
    { path: 'photos/cat/broken.png', reason: 'not an image this decoder reads' },
    { path: 'photos/notes.txt', reason: 'outside any class folder' },
  ],
  skippedCount: 2,
  hiddenFiles: 0,
  notices: [],
};

describe('your images texts', () => {
  test('the split names the folders or the held-out share and seed', () => {
    expect(splitText({ kind: 'folders', train: 'train', val: 'val' })).toBe(
      'Split: the train/ folder for training, val/ for validation.',
    );
    expect(splitText(report.split)).toContain('10 % of each class');
    expect(splitText(report.split)).toContain('(seed 0)');
  });

  test('skipped files are counted and named with their reasons', () => {
    expect(skippedText(report)).toBe(
      '2 files skipped: photos/cat/broken.png (not an image this decoder reads); photos/notes.txt (outside any class folder).',
    );
    expect(skippedText({ ...report, skippedCount: 25 })).toMatch(/; and 23 more\.$/);
    expect(skippedText({ ...report, skipped: [], skippedCount: 0 })).toBeUndefined();
  });

  test('hidden files are only counted', () => {
    expect(hiddenText(0)).toBeUndefined();
    expect(hiddenText(1)).toMatch(/^1 hidden or system file ignored/);
  });
});
