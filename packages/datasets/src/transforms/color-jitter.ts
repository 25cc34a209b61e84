import type { Rng } from '@cnnkit/random';
import type { AnyImageBatch, BatchTransform, ImageBatch } from '../types.js';

/** How much {@link colorJitter} may change each image; 0 (the default) leaves that property. */
export interface ColorJitterOptions {
  /** Brightness factor drawn from [1 − b, 1 + b]. */
  readonly brightness?: number;
  /** Contrast factor drawn from [1 − c, 1 + c] (around the image's mean grey). */
  readonly contrast?: number;
  /** Saturation factor drawn from [1 − s, 1 + s] (around each pixel's grey). */
  readonly saturation?: number;
  /** Hue shift drawn from [−h, h] turns of the colour wheel; at most 0.5. */
  readonly hue?: number;
}

const grey = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;
const clamp = (x: number) => Math.min(1, Math.max(0, x));

function shiftHue(pixels: Float32Array, start: number, end: number, shift: number): void {
  for (let i = start; i < end; i += 3) {
    const r = pixels[i] as number;
    const g = pixels[i + 1] as number;
    const b = pixels[i + 2] as number;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const delta = max - min;
    if (delta === 0) continue;
    let h =
      max === r ? ((g - b) / delta) % 6 : max === g ? (b - r) / delta + 2 : (r - g) / delta + 4;
    h = (((h / 6 + shift) % 1) + 1) % 1;
    const s = delta / max;
    const v = max;
    const sector = Math.floor(h * 6);
    const f = h * 6 - sector;
    const p = v * (1 - s);
    const q = v * (1 - f * s);
    const t = v * (1 - (1 - f) * s);
    const rgb = [
      [v, t, p],
      [q, v, p],
      [p, v, t],
      [p, q, v],
      [t, p, v],
      [v, p, q],
    ][sector % 6] as [number, number, number];
    pixels.set(rgb, i);
  }
}

/**
 * torchvision's `ColorJitter(brightness, contrast, saturation, hue)` on RGB floats in [0, 1]
 * (put it after {@link toTensor}, before {@link normalize}): each image gets its own factors,
 * applied in a random order, with results clamped to [0, 1]. Greys use ITU-R 601 weights, as
 * torchvision's `rgb_to_grayscale`.
 *
 * @example
 * ```ts
 * const augment = compose(randomResizedCrop(32), toTensor(), colorJitter({ brightness: 0.2, contrast: 0.2, saturation: 0.2 }), normalize(0.5, 0.5));
 * ```
 */
export function colorJitter(options: ColorJitterOptions): BatchTransform {
  const { brightness = 0, contrast = 0, saturation = 0, hue = 0 } = options;
  for (const [name, value, max] of [
    ['brightness', brightness, Number.POSITIVE_INFINITY],
    ['contrast', contrast, Number.POSITIVE_INFINITY],
    ['saturation', saturation, Number.POSITIVE_INFINITY],
    ['hue', hue, 0.5],
  ] as const) {
    if (!(value >= 0 && value <= max)) {
      throw new RangeError(`colorJitter: ${name} must be in [0, ${max}], got ${value}.`);
    }
  }
  return (batch: AnyImageBatch, rng: Rng): ImageBatch => {
    if (!(batch.pixels instanceof Float32Array)) {
      throw new TypeError(
        'colorJitter: pixels are still bytes; put toTensor() before colorJitter().',
      );
    }
    if (batch.channels !== 3) {
      throw new RangeError(`colorJitter: needs RGB images, got ${batch.channels} channels.`);
    }
    const pixels = batch.pixels.slice();
    const image = batch.height * batch.width * 3;
    for (let n = 0; n < batch.size; n++) {
      const start = n * image;
      const end = start + image;
      const steps = [0, 1, 2, 3];
      rng.shuffle(steps);
      const factors = [
        rng.uniform(1 - brightness, 1 + brightness),
        rng.uniform(1 - contrast, 1 + contrast),
        rng.uniform(1 - saturation, 1 + saturation),
        rng.uniform(-hue, hue),
      ];
      for (const step of steps) {
        const factor = factors[step] as number;
        if (step === 0 && brightness > 0) {
          for (let i = start; i < end; i++) pixels[i] = clamp((pixels[i] as number) * factor);
        } else if (step === 1 && contrast > 0) {
          let sum = 0;
          for (let i = start; i < end; i += 3) {
            sum += grey(pixels[i] as number, pixels[i + 1] as number, pixels[i + 2] as number);
          }
          const mean = sum / (image / 3);
          for (let i = start; i < end; i++) {
            pixels[i] = clamp(mean + ((pixels[i] as number) - mean) * factor);
          }
        } else if (step === 2 && saturation > 0) {
          for (let i = start; i < end; i += 3) {
            const g = grey(pixels[i] as number, pixels[i + 1] as number, pixels[i + 2] as number);
            for (let c = 0; c < 3; c++) {
              pixels[i + c] = clamp(g + ((pixels[i + c] as number) - g) * factor);
            }
          }
        } else if (step === 3 && hue > 0) {
          shiftHue(pixels, start, end, factor);
        }
      }
    }
    return { ...batch, pixels };
  };
}
