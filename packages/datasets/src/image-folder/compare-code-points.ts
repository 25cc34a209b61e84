/**
 * Orders strings by Unicode code point, like Python's `sorted` (so class indices match
 * torchvision's `ImageFolder`); JavaScript's default sort compares UTF-16 units, which
 * differs for characters beyond U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}
