import { describe, expect, test } from 'vitest';
import { browserImageDecoder } from './browser-image-decoder.js';

describe('browserImageDecoder', () => {
  test('a file that is no image format is refused in plain words, before any canvas is needed', async () => {
    const text = new TextEncoder().encode('photos taken in 2026\n');
    await expect(
      browserImageDecoder().decode(text, { size: 32, resize: 'squash', maxPixels: 1e6 }),
    ).rejects.toThrow(/^not an image \(no image format starts like this file\)$/);
  });
});
