import type { ImageDataset, ImageFolderData } from '@cnnkit/datasets';
import { describe, expect, test } from 'vitest';
import { folderSummary } from './image-folder-loading.js';

function dataset(labels: number[], classNames: string[]): ImageDataset {
  const imageBytes = 32 * 32 * 3;
  const images = new Uint8Array(labels.length * imageBytes);
  // Each image filled with its index, to tell them apart.
  for (let i = 0; i < labels.length; i++) images.fill(i, i * imageBytes, (i + 1) * imageBytes);
  return {
    images,
    labels: Uint8Array.from(labels),
    count: labels.length,
    height: 32,
    width: 32,
    channels: 3,
    classNames,
  };
}

describe('folderSummary', () => {
  const classNames = ['cat', 'dog'];
  const data: ImageFolderData = {
    train: dataset([0, 0, 0, 0, 0, 0, 1, 1], classNames),
    test: dataset([0, 1], classNames),
    classNames,
    report: {
      root: 'photos',
      split: { kind: 'seeded', valSplit: 0.1, seed: 0 },
      classes: [
        { name: 'cat', train: 6, val: 1 },
        { name: 'dog', train: 2, val: 1 },
      ],
      skipped: Array.from({ length: 25 }, (_, i) => ({
        path: `f${i}.txt`,
        reason: 'not an image',
      })),
      hiddenFiles: 1,
      notices: [],
      decoded: 10,
      fromCache: 0,
    },
  };

  test('at most four thumbnails per class, the first training images of each', () => {
    const { thumbnails } = folderSummary(data);
    expect(thumbnails.map((t) => t.label)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(thumbnails.map((t) => t.pixels[0])).toEqual([0, 1, 2, 3, 6, 7]);
    expect(thumbnails[0]?.pixels.length).toBe(32 * 32 * 3);
  });

  test('the first 20 skipped files are named and all are counted', () => {
    const { report } = folderSummary(data);
    expect(report.skipped).toHaveLength(20);
    expect(report.skippedCount).toBe(25);
    expect(report.classes).toEqual(data.report.classes);
  });
});
