import * as tf from '@tensorflow/tfjs-core';

function activeContext(): WebGLRenderingContext | undefined {
  return (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
}

/**
 * Calls `onLost` once when the active webgl backend's context is lost (GPU reset, driver
 * crash, the browser reclaiming contexts). tfjs itself only drops its cached context, so
 * without this a run would go on computing nothing, or wait forever for a read-back.
 * Besides the event, the context is polled: a worker stuck awaiting a read-back from a lost
 * context may otherwise never see it. A canvas already in `watched` is not watched twice.
 */
export function watchWebglContext(watched: WeakSet<object>, onLost: () => void): void {
  const gl = activeContext();
  const canvas = gl?.canvas as OffscreenCanvas | HTMLCanvasElement | undefined;
  if (!gl || !canvas || watched.has(canvas)) return;
  watched.add(canvas);
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    clearInterval(poll);
    onLost();
  };
  const poll = setInterval(() => {
    if (gl.isContextLost()) fire();
  }, 500);
  canvas.addEventListener('webglcontextlost', fire, { once: true });
}

/**
 * Loses the active webgl backend's context on purpose (WEBGL_lose_context), as a GPU reset
 * would: for the end-to-end tests. Returns whether it could.
 */
export function loseWebglContext(): boolean {
  const extension = activeContext()?.getExtension('WEBGL_lose_context');
  extension?.loseContext();
  return extension != null;
}
