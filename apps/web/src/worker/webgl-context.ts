import * as tf from '@tensorflow/tfjs-core';

const watched = new WeakSet<object>();

/**
 * Calls `onLost` once when the active webgl backend's context is lost (GPU reset, driver
 * crash, the browser reclaiming contexts). tfjs itself only drops its cached context, so
 * without this a run would go on computing nothing.
 */
export function watchWebglContext(onLost: () => void): void {
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
  const canvas = gl?.canvas as OffscreenCanvas | HTMLCanvasElement | undefined;
  if (!canvas || watched.has(canvas)) return;
  watched.add(canvas);
  canvas.addEventListener('webglcontextlost', () => onLost(), { once: true });
}
