/** Draws RGB bytes (HWC) onto a canvas of the same pixel size; CSS scales it up, pixelated. */
export function drawRgb(
  canvas: HTMLCanvasElement,
  pixels: Uint8Array,
  width: number,
  height: number,
): void {
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(width, height);
  for (let i = 0, j = 0; i < width * height * 3; i += 3, j += 4) {
    image.data[j] = pixels[i] as number;
    image.data[j + 1] = pixels[i + 1] as number;
    image.data[j + 2] = pixels[i + 2] as number;
    image.data[j + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

/** Empties a canvas (transparent), keeping its size. */
export function clearCanvas(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
}

/** A new canvas showing RGB bytes, with an accessible name. */
export function rgbCanvas(pixels: Uint8Array, size: number, label: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  drawRgb(canvas, pixels, size, size);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return canvas;
}
