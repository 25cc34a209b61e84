import sharp from 'sharp';

/** One image of a class: its colour with noise and a dark square, `width`×`height`. */
export async function colourImage(
  rgb: readonly number[],
  width: number,
  height: number,
  seed: number,
  format: 'png' | 'jpeg',
): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let state = seed * 2654435761;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (state * 1103515245 + 12345) >>> 0;
      const noise = (state >>> 24) % 41;
      const inSquare =
        x > width / 3 && x < (2 * width) / 3 && y > height / 3 && y < (2 * height) / 3;
      for (let c = 0; c < 3; c++) {
        const value = (rgb[c] as number) + noise - 20;
        pixels[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, inSquare ? value / 3 : value));
      }
    }
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 90 }).toBuffer();
}
