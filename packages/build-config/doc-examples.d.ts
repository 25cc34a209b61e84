export interface DocExample {
  /** Path relative to the package directory. */
  readonly file: string;
  /** 1-based line of the example's first code line. */
  readonly line: number;
  readonly code: string;
}
export function findDocExamples(packageDir: string): DocExample[];
export function exampleScript(
  example: DocExample,
  options: { entries: readonly string[]; context: string | ((code: string) => string) },
): string;
export function describeDocExamples(
  packageUrl: URL,
  options: { entries: readonly string[]; context?: string | ((code: string) => string) },
): void;
export function describeBuiltPackage(
  packageUrl: URL,
  options?: { exports?: { entry: string; names: readonly string[] } },
): void;
