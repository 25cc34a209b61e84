import { describeDocExamples } from '@cnnkit/build-config/doc-examples';

describeDocExamples(new URL('..', import.meta.url), {
  entries: ['@cnnkit/safetensors'],
  // `bytes`: the small file the examples read, with the tensor names they use.
  context: `
    const bytes = encodeSafetensors({
      'fc.weight': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
      'conv1.weight': { dtype: 'F32', shape: [1, 1, 1, 2], data: new Float32Array([0.5, -0.5]) },
      step: { dtype: 'F64', shape: [1], data: new Float64Array([123]) },
      ids: { dtype: 'I64', shape: [2], data: new BigInt64Array([1n, 2n]) },
    });
  `,
});
