import { describe, expect, it } from 'vitest';
import {
  batchCountLayout,
  biasLayout,
  channelVectorLayout,
  conv2dWeightLayout,
  linearWeightLayout,
} from './parameter-layouts.js';

function iota(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => i);
}

describe('conv2dWeightLayout', () => {
  const layout = conv2dWeightLayout('conv.weight', {
    inChannels: 2,
    outChannels: 3,
    kernelSize: 2,
  });

  it('maps HWIO to OIHW', () => {
    expect(layout.tfjsShape).toEqual([2, 2, 2, 3]);
    expect(layout.torchShape).toEqual([3, 2, 2, 2]);
    expect(layout.fanIn).toBe(8);
    const torch = layout.toTorch(iota(24));
    // tfjs [y=1, x=0, in=1, out=2] sits at ((1*2+0)*2+1)*3+2 = 17;
    // torch [out=2, in=1, y=1, x=0] sits at ((2*2+1)*2+1)*2+0 = 22.
    expect(torch[22]).toBe(17);
    expect(Array.from(layout.fromTorch(torch))).toEqual(Array.from(iota(24)));
  });
});

describe('linearWeightLayout', () => {
  it('transposes in×out to out×in', () => {
    const layout = linearWeightLayout('fc.weight', { inFeatures: 2, outFeatures: 3 });
    expect(Array.from(layout.toTorch(iota(6)))).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it("reorders flattened NHWC features into PyTorch's CHW flatten order", () => {
    const layout = linearWeightLayout('fc.weight', {
      inFeatures: 12,
      outFeatures: 1,
      inputFeatureMap: { height: 2, width: 3, channels: 2 },
    });
    // tfjs feature (y, x, c) = y*6 + x*2 + c; PyTorch's = c*6 + y*3 + x.
    const torch = layout.toTorch(iota(12));
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 3; x++)
        for (let c = 0; c < 2; c++) expect(torch[c * 6 + y * 3 + x]).toBe(y * 6 + x * 2 + c);
    expect(Array.from(layout.fromTorch(torch))).toEqual(Array.from(iota(12)));
  });

  it('rejects a feature map that does not match inFeatures', () => {
    expect(() =>
      linearWeightLayout('fc1.weight', {
        inFeatures: 400,
        outFeatures: 120,
        inputFeatureMap: { height: 4, width: 4, channels: 16 },
      }),
    ).toThrow('fc1.weight: inputFeatureMap 4×4×16 = 256 features, but inFeatures is 400.');
  });
});

describe('BatchNorm layouts', () => {
  it('channelVectorLayout: the same [size] vector in both frameworks, no uniform init', () => {
    const layout = channelVectorLayout('bn.running_var', { size: 3 });
    expect([layout.tfjsShape, layout.torchShape, layout.fanIn]).toEqual([[3], [3], 0]);
    expect(layout.torchDtype).toBeUndefined();
    expect(Array.from(layout.toTorch(iota(3)))).toEqual([0, 1, 2]);
  });

  it('batchCountLayout: a 0-d I64 tensor in PyTorch', () => {
    const layout = batchCountLayout('bn.num_batches_tracked');
    expect([layout.name, layout.tfjsShape, layout.torchShape, layout.torchDtype]).toEqual([
      'bn.num_batches_tracked',
      [],
      [],
      'I64',
    ]);
    expect(Array.from(layout.fromTorch(new Float32Array([7])))).toEqual([7]);
  });
});

describe('TSDoc examples', () => {
  it('conv2dWeightLayout', () => {
    const layout = conv2dWeightLayout('conv1.weight', {
      inChannels: 3,
      outChannels: 6,
      kernelSize: 5,
    });
    expect(layout.torchShape).toEqual([6, 3, 5, 5]);
  });
  it('linearWeightLayout', () => {
    const layout = linearWeightLayout('fc1.weight', {
      inFeatures: 400,
      outFeatures: 120,
      inputFeatureMap: { height: 5, width: 5, channels: 16 },
    });
    expect(layout.tfjsShape).toEqual([400, 120]);
  });
  it('biasLayout', () => {
    const layout = biasLayout('conv1.bias', { size: 6, fanIn: 75 });
    expect(layout.torchShape).toEqual([6]);
    expect(Array.from(layout.toTorch(iota(6)))).toEqual(Array.from(iota(6)));
  });
});
