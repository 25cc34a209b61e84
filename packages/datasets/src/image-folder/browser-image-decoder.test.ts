import { describe, expect, test } from 'vitest';
import { browserImageDecoder } from './browser-image-decoder.js';

describe('browserImageDecoder', () => {
  test('a file that is no image format is refused in plain words, before any canvas is needed', async () => {
    const text = new TextEncoder().encode('photos taken in 2026\n');
    await expect(
      browserImageDecoder().decode(text, { size: 32, resize: 'squash', maxPixels: 1e6 }),
    ).rejects.toThrow(/^not an image \(no image format starts like this file\)$/);
  });

  test('a file cut inside its image header is called damaged', async () => {
    const cut = Uint8Array.of(0xff, 0xd8, 0xff);
    await expect(
      browserImageDecoder().decode(cut, { size: 32, resize: 'squash', maxPixels: 1e6 }),
    ).rejects.toThrow(/^not a readable image \(its header is damaged: /);
  });
});
