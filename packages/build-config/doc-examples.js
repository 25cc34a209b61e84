// Runs every TSDoc `@example` of a package against its *built* entry points, each in a fresh
// Node process, so the API reference cannot show code that does not work.
//
// How an example becomes a script:
// - its own `import` lines are kept; every export of the package's entries is in scope as a
//   global (examples show the call, not the package's own import line);
// - the package's `context` (JavaScript, or a function of the example's code returning it; its
//   import lines are hoisted) runs first and defines the values examples refer to
//   (`tf` with the cpu backend, a `model`, a safetensors `bytes`, …); the example runs in a
//   nested block, so it may redeclare those names;
// - a statement line ending in a comment that states its value is checked:
//   `x; // 10`, `// [6, 3, 5, 5]`, `// Float32Array [0.9, 1.9]`, `// ≈ 0.1265`, `// true`,
//   `// 'text'`, and `f(); // throws`; other comments are prose and are not checked;
// - the script starts in a fresh temporary directory, so examples may write files.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, describe, expect, it } from 'vitest';
import { findBundledTfjs } from './bundled-code.js';

// typescript is a devDependency of the workspace root; it strips the examples' type syntax.
const ts = createRequire(import.meta.url)('typescript');

/** @typedef {import('./doc-examples.js').DocExample} DocExample */
/** @typedef {string | ((code: string) => string)} ExampleContext */
/**
 * What an example's trailing comment states: a value, a list, an approximate number, or that
 * the line throws.
 * @typedef {{ kind: 'throws' }
 *   | { kind: 'approx', value: number, decimals: number }
 *   | { kind: 'list', value: number[] }
 *   | { kind: 'equal', value: unknown }} StatedValue
 */

const skippedDirectories = new Set(['test-support', 'fixtures', 'testing', 'node_modules']);

/**
 * @param {string} dir
 * @returns {string[]}
 */
function sourceFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory())
        return skippedDirectories.has(name) ? [] : sourceFiles(path);
      return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.d.ts')
        ? [path]
        : [];
    });
}

/**
 * Every fenced `@example` block under `src/`, with the file and line it starts on.
 *
 * @param {string} packageDir
 * @returns {DocExample[]}
 */
export function findDocExamples(packageDir) {
  /** @type {DocExample[]} */
  const examples = [];
  for (const file of sourceFiles(join(packageDir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
      const lines = comment[0].split('\n').map((line) => line.replace(/^\s*\/?\*+\/? ?/, ''));
      const commentLine = text.slice(0, comment.index).split('\n').length;
      for (const [i, line] of lines.entries()) {
        if (!/^@example\b/.test(line.trim())) continue;
        const open = lines.findIndex((line, j) => j > i && /^```/.test(line.trim()));
        const close = lines.findIndex((line, j) => j > open && /^```\s*$/.test(line.trim()));
        if (open < 0 || close < 0) {
          throw new Error(`${file}:${commentLine + i}: @example without a fenced code block`);
        }
        examples.push({
          file: relative(packageDir, file),
          line: commentLine + open + 1,
          code: lines.slice(open + 1, close).join('\n'),
        });
      }
    }
  }
  return examples;
}

/**
 * @param {string} comment
 * @returns {StatedValue | undefined}
 */
function parseStatedValue(comment) {
  const text = comment.trim();
  if (text === 'throws') return { kind: 'throws' };
  const approx = /^≈\s*(-?\d+(?:\.(\d+))?)$/.exec(text);
  if (approx)
    return { kind: 'approx', value: Number(approx[1]), decimals: (approx[2] ?? '').length };
  const list = /^(?:(?:[A-Z]\w*Array|Array)\s+)?(\[[-\d.,\s]*\])$/.exec(text);
  if (list?.[1]) return { kind: 'list', value: JSON.parse(list[1]) };
  if (/^(true|false|-?\d+(\.\d+)?)$/.test(text)) return { kind: 'equal', value: JSON.parse(text) };
  const quoted = /^'([^']*)'$/.exec(text);
  if (quoted) return { kind: 'equal', value: quoted[1] };
  return undefined;
}

const statementWithValue = /^(\s*)(?!(?:const|let|var|import|return)\b)([^/].*?);\s*\/\/(.*)$/;

/**
 * Rewrites `expr; // value` lines into checks; leaves everything else as written.
 *
 * @param {string} code
 * @param {{ file: string, line: number }} where
 */
function withChecks(code, where) {
  return code
    .split('\n')
    .map((line, i) => {
      const match = statementWithValue.exec(line);
      const stated = match && parseStatedValue(match[3] ?? '');
      if (!match || !stated) return line;
      const at = JSON.stringify(`${where.file}:${where.line + i}`);
      if (stated.kind === 'throws') {
        return `${match[1]}__checkThrows(() => { ${match[2]}; }, ${at});`;
      }
      return `${match[1]}__check(${match[2]}, ${JSON.stringify(stated)}, ${at});`;
    })
    .join('\n');
}

const checkHelpers = `
function __fail(at, message) { throw new Error(at + ': ' + message); }
function __close(a, b) { return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)); }
function __check(actual, stated, at) {
  if (stated.kind === 'approx') {
    if (Math.abs(actual - stated.value) > 0.5 * 10 ** -stated.decimals)
      __fail(at, 'the example says ≈ ' + stated.value + ' but it is ' + actual);
  } else if (stated.kind === 'list') {
    const values = Array.from(actual ?? []);
    if (values.length !== stated.value.length || !values.every((v, i) => __close(v, stated.value[i])))
      __fail(at, 'the example says [' + stated.value + '] but it is [' + values + ']');
  } else if (actual !== stated.value) {
    __fail(at, 'the example says ' + JSON.stringify(stated.value) + ' but it is ' + String(actual));
  }
}
function __checkThrows(run, at) {
  try { run(); } catch { return; }
  __fail(at, 'the example says this throws, but it did not');
}
`;

/**
 * The script that runs one example: imports, context, the checked example.
 *
 * @param {DocExample} example
 * @param {{ entries: readonly string[], context: ExampleContext }} options
 * @returns {string}
 */
export function exampleScript(example, { entries, context }) {
  /** @param {string} line */
  const isImport = (line) => /^\s*import\s/.test(line);
  const body = withChecks(example.code, example).split('\n');
  const contextLines = (typeof context === 'function' ? context(example.code) : context).split(
    '\n',
  );
  const importLines = [...contextLines.filter(isImport), ...body.filter(isImport)];
  const rest = body.filter((line) => !isImport(line)).join('\n');
  const contextCode = contextLines.filter((line) => !isImport(line)).join('\n');
  const source = [
    ...importLines,
    `import { mkdtempSync as __mkdtemp } from 'node:fs';`,
    `import { tmpdir as __tmpdir } from 'node:os';`,
    `import { join as __join } from 'node:path';`,
    ...entries.map((entry, i) => `import * as __entry${i} from ${JSON.stringify(entry)};`),
    checkHelpers,
    `process.chdir(__mkdtemp(__join(__tmpdir(), 'cnnkit-doc-example-')));`,
    // Globals, so the example's own imports and declarations take precedence.
    `Object.assign(globalThis, ${entries.map((_, i) => `__entry${i}`).join(', ')});`,
    '{',
    contextCode,
    '{',
    rest,
    '}',
    '}',
  ].join('\n');
  return ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
    },
    fileName: 'example.ts',
  }).outputText;
}

/**
 * @param {string} script
 * @param {string} cwd
 * @returns {Promise<{ status: number | null, stdout: string, stderr: string }>}
 */
function runScript(script, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * tfjs-core's advice to install tfjs-node is the only stderr output allowed.
 *
 * @param {string} stderr
 */
function withoutTfjsNodeAdvice(stderr) {
  return stderr.replace(
    /\n?=+\nHi, looks like you are running TensorFlow\.js in Node\.js\..*\n=+\n/,
    '',
  );
}

/**
 * One vitest test per `@example` of the package in `packageUrl`, run against the built
 * `entries` (package specifiers such as `@cnnkit/models`) after `context`.
 *
 * @param {URL} packageUrl
 * @param {{ entries: readonly string[], context?: ExampleContext }} options
 */
export function describeDocExamples(packageUrl, { entries, context = '' }) {
  const packageDir = fileURLToPath(packageUrl);
  const examples = findDocExamples(packageDir);
  // Concurrent: each example is its own process, and most of their time is start-up.
  describe.concurrent('TSDoc @example blocks (run against the built package)', () => {
    it('finds examples', () => {
      expect(examples.length).toBeGreaterThan(0);
    });
    for (const example of examples) {
      it(`${example.file}:${example.line}`, async () => {
        const script = exampleScript(example, { entries, context });
        const run = await runScript(script, packageDir);
        expect(withoutTfjsNodeAdvice(run.stderr), `${example.code}\n---\n${script}`).toBe('');
        expect(run.status).toBe(0);
      });
    }
  });
}

/**
 * @param {unknown} exports
 * @returns {string[]}
 */
function exportTargets(exports) {
  if (typeof exports === 'string') return [exports];
  if (exports == null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

/**
 * Tests for the package in `packageUrl` as users get it (its `dist/`, which turbo builds before
 * the tests): every file its `exports` name is built, no dist file carries TensorFlow.js code,
 * the README's first ```js block runs in a fresh Node process and prints exactly the
 * ```text block after "prints"; and, when `exports` is given, the entry `exports.entry` has
 * exactly the public names `exports.names`.
 *
 * @param {URL} packageUrl
 * @param {{ exports?: { entry: string, names: readonly string[] } }} [options]
 */
export function describeBuiltPackage(packageUrl, { exports } = {}) {
  const packageDir = fileURLToPath(packageUrl);
  describe('the built package', () => {
    it('is built: every file its exports name exists (run `pnpm build` first)', () => {
      const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
      const targets = exportTargets(manifest.exports).filter((t) => t.startsWith('./dist/'));
      expect(targets.length).toBeGreaterThan(0);
      expect(targets.filter((t) => !existsSync(join(packageDir, t)))).toEqual([]);
    });

    it('carries no copy of TensorFlow.js code in dist/', () => {
      expect(findBundledTfjs(join(packageDir, 'dist'))).toEqual([]);
    });

    it('runs the README example in a fresh Node process and prints what the README says', async () => {
      const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
      const script = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
      const printed = /prints\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
      assert.isDefined(script, 'README.md has a ```js example');
      assert.isDefined(printed, 'README.md shows what the example prints');
      const run = await runScript(script, packageDir);
      expect(withoutTfjsNodeAdvice(run.stderr)).toBe('');
      expect(run.stdout).toBe(printed);
    });

    if (exports) {
      it(`${exports.entry} exports only its public API`, async () => {
        const run = await runScript(
          `console.log(Object.keys(await import('${exports.entry}')).sort().join(','));`,
          packageDir,
        );
        expect(withoutTfjsNodeAdvice(run.stderr)).toBe('');
        expect(run.stdout.trim().split(',')).toEqual([...exports.names].sort());
      });
    }
  });
}
