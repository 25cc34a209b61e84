import type { LearningRateSchedule, LookaheadSettings } from '@cnnkit/contracts';
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

/** Parses a whole number in [min, max] for a flag. */
export function integerBetween(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `expected a whole number from ${min} to ${max}, got '${value}'.`,
      );
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

/** Parses a finite number ≥ 0 (weight decay, label smoothing's lower end). */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a number ≥ 0, got '${value}'.`);
  }
  return n;
}

/** Parses `64,128,128`: whole numbers ≥ 1, comma-separated (AirbenchNet's group widths). */
export function widthList(value: string): number[] {
  const parts = value.split(',').map((part) => part.trim());
  const widths = parts.map(Number);
  if (parts.some((part) => !/^\d+$/.test(part)) || widths.some((w) => w < 1)) {
    throw new InvalidArgumentError(
      `expected whole numbers ≥ 1 separated by commas, e.g. 64,128,128; got '${value}'.`,
    );
  }
  return widths;
}

/**
 * Parses a learning-rate factor schedule: `constant`, or piecewise-linear points
 * `fraction:factor,…` over the run's steps from fraction 0 to 1 (the fast recipe's is
 * `0:0.2,0.23:1,1:0.07`).
 */
export function lrScheduleSpec(value: string): LearningRateSchedule {
  if (value.trim() === 'constant') return { type: 'constant' };
  const points = value.split(',').map((point) => point.split(':').map((x) => Number(x.trim())));
  if (points.some((p) => p.length !== 2 || !p.every((x) => Number.isFinite(x)))) {
    throw new InvalidArgumentError(
      `expected 'constant' or fraction:factor points such as 0:0.2,0.23:1,1:0.07; got '${value}'.`,
    );
  }
  return { type: 'piecewise-linear', points: points.map(([f, v]) => [f as number, v as number]) };
}

/**
 * Parses lookahead averaging: `none`, or `every,decay,power` (the fast recipe's
 * `5,0.7737809375,3`). `none` stays a word: commander turns a parser's null into ''.
 */
export function lookaheadSpec(value: string): LookaheadSettings | 'none' {
  if (value.trim() === 'none') return 'none';
  const parts = value.split(',').map((x) => Number(x.trim()));
  const [every, decay, power] = parts;
  if (
    parts.length !== 3 ||
    !Number.isInteger(every) ||
    (every as number) < 1 ||
    !Number.isFinite(decay) ||
    !Number.isFinite(power)
  ) {
    throw new InvalidArgumentError(
      `expected 'none' or every,decay,power such as 5,0.7737809375,3; got '${value}'.`,
    );
  }
  return { every: every as number, decay: decay as number, power: power as number };
}

/** Parses a number of epochs, or `all` (kept as the word, see {@link lookaheadSpec}). */
export function epochsOrAll(value: string): number | 'all' {
  return value.trim() === 'all' ? 'all' : integerAtLeast(0)(value);
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
