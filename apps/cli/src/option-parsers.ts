import { InvalidArgumentError } from 'commander';

/** Parses a whole number ≥ `min` for a flag; commander turns the error into usage + exit 2. */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected a whole number ≥ ${min}, got '${value}'.`);
    }
    return n;
  };
}

/** Parses a finite number in [min, max] for a flag. */
export function numberBetween(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got '${value}'.`);
    }
    return n;
  };
}

/** Parses a strictly positive finite number (learning rates). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a number > 0, got '${value}'.`);
  }
  return n;
}

/** Parses an MD5 checksum: 32 hexadecimal digits, returned in lower case. */
export function md5Hex(value: string): string {
  if (!/^[0-9a-fA-F]{32}$/.test(value.trim())) {
    throw new InvalidArgumentError(`expected an MD5 of 32 hexadecimal digits, got '${value}'.`);
  }
  return value.trim().toLowerCase();
}

/** Parses a fraction strictly between 0 and 1 (validation splits). */
export function fractionBetweenZeroAndOne(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n >= 1) {
    throw new InvalidArgumentError(
      `expected a fraction between 0 and 1 (such as 0.1), got '${value}'.`,
    );
  }
  return n;
}
