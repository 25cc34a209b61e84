import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from './activate-backend.js';
import type { BackendCandidate } from './backend-candidate.js';

/** The part of a WebGL context this module reads (declared here: the entry has no DOM types). */
interface GlContext {
  readonly RENDERER: number;
  getExtension(name: 'WEBGL_debug_renderer_info'): { UNMASKED_RENDERER_WEBGL: number } | null;
  getParameter(parameter: number): unknown;
}

/** The GPU's name as WebGL reports it; software renderers are named so people know. */
function webglRenderer(): string {
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: GlContext } }).gpgpu?.gl;
  if (gl == null) return 'unknown renderer';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return /swiftshader|llvmpipe|software/i.test(name) ? `${name} (software renderer)` : name;
}

/**
 * The webgl backend (the GPU through WebGL 2), priority 2. `load` imports
 * `@tensorflow/tfjs-backend-webgl` in your app. It starts only with float32 render targets
 * (float16 is too coarse to train). tfjs refuses software renderers (SwiftShader, llvmpipe) by
 * default; `allowSoftwareRenderer: true` accepts them — slow but correct, and the training
 * check still has to pass.
 *
 * @example
 * ```ts
 * const webgl = webglCandidate(() => import('@tensorflow/tfjs-backend-webgl'), {
 *   allowSoftwareRenderer: true,
 * });
 * webgl.name; // 'webgl'
 * webgl.priority; // 2
 * ```
 */
export function webglCandidate(
  load: () => Promise<{ readonly version_webgl?: string }>,
  options: { readonly allowSoftwareRenderer?: boolean } = {},
): BackendCandidate {
  return {
    name: 'webgl',
    priority: 2,
    hint: 'Use a browser with WebGL 2 and float32 render targets (and OffscreenCanvas in a worker), or another backend.',
    async start() {
      const scope = globalThis as { document?: unknown; OffscreenCanvas?: unknown };
      if (scope.document == null && scope.OffscreenCanvas == null) {
        throw new Error(
          'no WebGL here: neither a document nor OffscreenCanvas (which WebGL in a worker needs)',
        );
      }
      const webgl = await load();
      if (options.allowSoftwareRenderer) tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
      await activateBackend('webgl');
      if (!tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
        throw new Error(
          'the GPU cannot render to float32 textures (float16 is too coarse to train)',
        );
      }
      tf.env().set('WEBGL_RENDER_FLOAT32_ENABLED', true);
      const version = webgl.version_webgl ?? tf.version_core;
      return {
        version,
        detail: `tfjs-backend-webgl ${version}, WebGL ${tf.env().getNumber('WEBGL_VERSION')}, ${webglRenderer()}`,
      };
    },
  };
}
