import { describe, expect, it } from 'vitest';
import { biasLayout, conv2dWeightLayout } from './parameter-layouts.js';
import { pytorchDefaultInit } from './pytorch-default-init.js';

const layouts = [
  conv2dWeightLayout('conv.weight', { inChannels: 3, outChannels: 6, kernelSize: 5 }),
  biasLayout('conv.bias', { size: 6, fanIn: 75 }),
];

describe('pytorchDefaultInit', () => {
  it('draws weights and biases uniformly within ±1/√fan_in', () => {
    const [weight, bias] = pytorchDefaultInit(layouts, 3) as [Float32Array, Float32Array];
    const bound = Math.fround(1 / Math.sqrt(75));
    for (const values of [weight, bias]) {
      const max = Math.max(...values.map(Math.abs));
      expect(max).toBeLessThanOrEqual(bound);
    }
    // 450 uniform draws reach close to the bound and are centred on zero.
    expect(Math.max(...weight.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    expect(Math.abs(weight.reduce((s, v) => s + v, 0) / weight.length)).toBeLessThan(0.02);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = pytorchDefaultInit(layouts, 7);
    expect(pytorchDefaultInit(layouts, 7)).toEqual(a);
    expect(pytorchDefaultInit(layouts, 8)[0]).not.toEqual(a[0]);
  });

  it('runs its TSDoc example', () => {
    const [weights] = pytorchDefaultInit([biasLayout('fc.bias', { size: 4, fanIn: 16 })], 0);
    expect(weights).toHaveLength(4);
    for (const v of weights as Float32Array) expect(Math.abs(v)).toBeLessThanOrEqual(0.25);
  });
});
