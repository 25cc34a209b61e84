import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { integerAtLeast, md5Hex, numberBetween, positiveNumber } from './option-parsers.js';

describe('option parsers', () => {
  it('accept valid values', () => {
    expect(integerAtLeast(1)('4')).toBe(4);
    expect(numberBetween(0, 1)('0.9')).toBe(0.9);
    expect(positiveNumber('1e-3')).toBe(0.001);
    expect(md5Hex('C32A1D4AB5D03F1284B67883E8D87530')).toBe('c32a1d4ab5d03f1284b67883e8d87530');
  });

  it('reject bad values, quoting them', () => {
    expect(() => integerAtLeast(1)('0')).toThrow(InvalidArgumentError);
    expect(() => integerAtLeast(1)('2.5')).toThrow(/'2\.5'/);
    expect(() => integerAtLeast(0)('four')).toThrow(/'four'/);
    expect(() => numberBetween(0, 1)('1.5')).toThrow(/from 0 to 1/);
    expect(() => positiveNumber('-1')).toThrow(/> 0/);
    expect(() => positiveNumber('')).toThrow(InvalidArgumentError);
    expect(() => md5Hex('c32a1d4a')).toThrow(/32 hexadecimal digits, got 'c32a1d4a'/);
  });
});
