import '@tensorflow/tfjs-backend-cpu';
import { expect, it } from 'vitest';
import { createBackendRegistry } from './backend-registry.js';
import { webglCandidate } from './webgl-candidate.js';
import { webgpuCandidate } from './webgpu-candidate.js';

// Node has neither WebGL nor WebGPU: the candidates must say so before importing anything.
it('reports in Node why webgl and webgpu cannot start, without loading them', async () => {
  let loads = 0;
  const load = async () => {
    loads++;
    return {};
  };
  const registry = createBackendRegistry([webglCandidate(load), webgpuCandidate(load)]);
  expect(await registry.availability()).toEqual([
    {
      name: 'webgl',
      ok: false,
      experimental: false,
      reason:
        'no WebGL here: neither a document nor OffscreenCanvas (which WebGL in a worker needs)',
      hint: 'Use a browser with WebGL 2 and float32 render targets (and OffscreenCanvas in a worker), or another backend.',
    },
    {
      name: 'webgpu',
      ok: false,
      experimental: true,
      reason: 'no WebGPU here (navigator.gpu is missing)',
      hint: 'Use a browser with WebGPU enabled and a GPU adapter, or another backend.',
    },
  ]);
  expect(loads).toBe(0);
});
