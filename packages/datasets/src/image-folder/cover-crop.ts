import type { ResizePolicy } from './image-folder-types.js';

/** A rectangle of a source image: left, top, width, height in pixels. */
export interface SourceRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The part of a `width`×`height` image that becomes the square result: the whole image for
 * `squash`; for `shorter-side`, the centred square whose side is the shorter side
 * (torchvision's `Resize` + `CenterCrop`: scaling it to the result size keeps its aspect).
 *
 * @example
 * ```ts
 * sourceRect(500, 375, 'shorter-side'); // { x: 62, y: 0, width: 375, height: 375 }
 * sourceRect(500, 375, 'shorter-side').x; // 62
 * sourceRect(500, 375, 'squash').width; // 500
 * ```
 */
export function sourceRect(width: number, height: number, resize: ResizePolicy): SourceRect {
  if (resize === 'squash') return { x: 0, y: 0, width, height };
  const side = Math.min(width, height);
  return {
    x: Math.floor((width - side) / 2),
    y: Math.floor((height - side) / 2),
    width: side,
    height: side,
  };
}
