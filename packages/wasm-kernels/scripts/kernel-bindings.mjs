// @ts-check
// Reads the SIMD module's exported kernels from the AssemblyScript sources (assembly/index.ts and
// the files it re-exports from) and renders their TypeScript binding,
// src/simd/simd-kernel-bindings.generated.ts: named-argument interfaces, the positional exports
// as WebAssembly sees them, each export's WebAssembly parameter types, and the adapter between
// the two. The AssemblyScript signature is then the one declaration of every kernel's arguments:
// reordering them changes only the generated adapter, renaming or adding one fails to compile
// where the TypeScript side calls the kernel. Used by build-wasm.mjs and by the test that checks
// the committed binding is up to date.
import { readFile } from 'node:fs/promises';
import ts from 'typescript';

/** @typedef {'i32' | 'f32' | 'f64'} WasmValueType */
/** @typedef {{ readonly name: string, readonly type: string }} KernelParameter */
/**
 * @typedef {object} KernelSignature
 * @property {string} name the export's name
 * @property {string} file the AssemblyScript file that defines it, relative to the package
 * @property {readonly KernelParameter[]} parameters in WebAssembly order, with AssemblyScript types
 * @property {string} doc the function's doc comment (`/** … *\/`), or ''
 */

/**
 * AssemblyScript parameter types the binding supports, with their WebAssembly value type (the
 * module is wasm32, so pointers are i32). i64 would need BigInt arguments: not supported.
 * @type {Readonly<Record<string, WasmValueType>>}
 */
const wasmTypes = {
  usize: 'i32',
  isize: 'i32',
  i32: 'i32',
  u32: 'i32',
  f32: 'f32',
  f64: 'f64',
};

const assemblyDir = new URL('../assembly/', import.meta.url);

/** @typedef {(file: URL) => Promise<string>} ReadSource */

/** @type {ReadSource} */
const readFromDisk = (file) => readFile(file, 'utf8');

/**
 * @param {URL} url
 * @param {ReadSource} read
 */
async function parse(url, read) {
  const text = await read(url);
  return ts.createSourceFile(url.pathname, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/**
 * The `/** … *\/` comment right before `node`, or ''.
 * @param {ts.SourceFile} source
 * @param {ts.Node} node
 */
function docComment(source, node) {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const last = ranges.at(-1);
  if (last == null) return '';
  const text = source.text.slice(last.pos, last.end);
  return text.startsWith('/**') ? text : '';
}

/**
 * @param {ts.SourceFile} source
 * @param {string} name
 * @param {string} file
 * @returns {KernelSignature}
 */
function readFunction(source, name, file) {
  const declaration = source.statements.find(
    (statement) => ts.isFunctionDeclaration(statement) && statement.name?.text === name,
  );
  if (declaration == null || !ts.isFunctionDeclaration(declaration)) {
    throw new Error(`${file}: no function ${name}, which assembly/index.ts exports.`);
  }
  const exported = declaration.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  if (!exported) throw new Error(`${file}: ${name} is not exported.`);
  const result = declaration.type?.getText(source);
  if (result !== 'void') {
    throw new Error(`${file}: ${name} returns ${result}; kernels write to memory and return void.`);
  }
  const parameters = declaration.parameters.map((parameter) => {
    const parameterName = parameter.name.getText(source);
    const type = parameter.type?.getText(source) ?? '';
    if (parameter.initializer != null || parameter.questionToken != null) {
      // Optional parameters make AssemblyScript add an argument-count global and a trampoline.
      throw new Error(
        `${file}: ${name}(${parameterName}) is optional; kernel parameters are all required.`,
      );
    }
    if (!(type in wasmTypes)) {
      throw new Error(
        `${file}: ${name}(${parameterName}: ${type}) has a type the binding does not support (${Object.keys(wasmTypes).join(', ')}).`,
      );
    }
    return { name: parameterName, type };
  });
  return { name, file, parameters, doc: docComment(source, declaration) };
}

/**
 * Every kernel assembly/index.ts exports, in its order: `export { name } from './file'` lines.
 * `read` reads an AssemblyScript file (tests pass edited sources).
 * @param {ReadSource} [read]
 * @returns {Promise<KernelSignature[]>}
 */
export async function readKernelSignatures(read = readFromDisk) {
  const entry = await parse(new URL('index.ts', assemblyDir), read);
  /** @type {KernelSignature[]} */
  const signatures = [];
  for (const statement of entry.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const from = statement.moduleSpecifier;
    const clause = statement.exportClause;
    if (from == null || !ts.isStringLiteral(from) || clause == null || !ts.isNamedExports(clause)) {
      throw new Error(
        `assembly/index.ts: write exports as \`export { kernel } from './file'\`, not "${statement.getText(entry)}".`,
      );
    }
    const file = `assembly/${from.text.replace(/^\.\//, '')}.ts`;
    const source = await parse(new URL(`${from.text}.ts`, assemblyDir), read);
    for (const element of clause.elements) {
      if (element.propertyName != null) {
        throw new Error(`assembly/index.ts: export ${element.name.text} under its own name.`);
      }
      signatures.push(readFunction(source, element.name.text, file));
    }
  }
  return signatures;
}

/**
 * The TypeScript type of an AssemblyScript parameter type.
 * @param {string} type
 */
const tsType = (type) => (type === 'usize' || type === 'isize' ? 'HeapOffset' : 'number');

/** @param {string} name */
const pascalCase = (name) => name[0]?.toUpperCase() + name.slice(1);

/**
 * `head(a, b): tail` on one line when it fits in biome's 100 columns, else one item per line
 * with a trailing comma, as biome formats it.
 * @param {string} indent
 * @param {string} head
 * @param {readonly string[]} items
 * @param {string} tail
 */
function list(indent, head, items, tail) {
  const line = `${indent}${head}(${items.join(', ')})${tail}`;
  if (line.length <= 100) return [line];
  return [`${indent}${head}(`, ...items.map((item) => `${indent}  ${item},`), `${indent})${tail}`];
}

/**
 * @param {string} doc
 * @param {string} indent
 */
function reindent(doc, indent) {
  return doc
    .split('\n')
    .map((line, i) => (i === 0 ? indent + line : indent + line.trimStart().replace(/^\*/, ' *')));
}

/** The last two parameters of a split kernel: the range of parts a thread computes. */
const partRange = ['partFrom', 'partTo'];

/**
 * Whether a kernel can be divided among threads: its last two parameters are `partFrom` and
 * `partTo` (i32), a range of its independent parts.
 * @param {KernelSignature} kernel
 */
export function isSplitKernel(kernel) {
  const tail = kernel.parameters.slice(-2);
  return tail.length === 2 && tail.every((p, i) => p.name === partRange[i] && p.type === 'i32');
}

/**
 * The parameters callers name: all but a split kernel's part range.
 * @param {KernelSignature} kernel
 */
const namedParameters = (kernel) =>
  isSplitKernel(kernel) ? kernel.parameters.slice(0, -2) : kernel.parameters;

/**
 * The TypeScript binding for `signatures`.
 * @param {readonly KernelSignature[]} signatures
 */
export function renderKernelBindings(signatures) {
  const split = signatures.filter(isSplitKernel);
  const lines = [
    '// Generated by scripts/build-wasm.mjs from assembly/*.ts; do not edit.',
    '// Regenerate with `pnpm --filter @cnnkit/wasm-kernels build:wasm`.',
    '',
    "import { type KernelSplit, type RunSplitKernel, runOnCallingThread } from './kernel-split.js';",
    '',
    "/** A byte offset into the wasm backend's memory (an AssemblyScript `usize`). */",
    'export type HeapOffset = number;',
    '',
  ];
  for (const kernel of signatures) {
    lines.push(`/** The arguments of {@link SimdKernels.${kernel.name}} (${kernel.file}). */`);
    lines.push(`export interface ${pascalCase(kernel.name)}Args {`);
    for (const parameter of namedParameters(kernel)) {
      lines.push(`  readonly ${parameter.name}: ${tsType(parameter.type)};`);
    }
    lines.push('}', '');
  }
  lines.push(
    '/**',
    " * The SIMD module's kernels, called with named arguments. Pointers are byte offsets into the",
    " * wasm backend's memory, which the module imports. Split kernels also take a",
    ' * {@link KernelSplit}: how many independent parts the call has and about how much work.',
    ' */',
    'export interface SimdKernels {',
  );
  for (const kernel of signatures) {
    if (kernel.doc) lines.push(...reindent(kernel.doc, '  '));
    const tail = isSplitKernel(kernel) ? ', split: KernelSplit' : '';
    lines.push(`  ${kernel.name}(args: ${pascalCase(kernel.name)}Args${tail}): void;`);
  }
  lines.push('}', '');
  lines.push('/** The same kernels as WebAssembly exports them: positional parameters. */');
  lines.push('export interface SimdKernelExports {');
  for (const kernel of signatures) {
    const parameters = kernel.parameters.map((p) => `${p.name}: ${tsType(p.type)}`);
    lines.push(...list('  ', kernel.name, parameters, ': void;'));
  }
  lines.push('}', '');
  lines.push(
    "/** Each export's WebAssembly parameter types, in order (all return nothing). */",
    'export const simdKernelParameterTypes: Readonly<Record<keyof SimdKernels, string>> = {',
  );
  for (const kernel of signatures) {
    const types = kernel.parameters.map((p) => wasmTypes[p.type]).join(' ');
    lines.push(`  ${kernel.name}: '${types}',`);
  }
  lines.push('};', '');
  lines.push(
    '/**',
    ' * The kernels that can be divided among threads (their last parameters are `partFrom` and',
    ' * `partTo`), in the order a kernel pool numbers them.',
    ' */',
    'export const splitKernelNames: readonly (keyof SimdKernelExports)[] = [',
    ...split.map((kernel) => `  '${kernel.name}',`),
    '];',
    '',
  );
  lines.push(
    '/**',
    " * Named-argument kernels over the module's positional exports; `run` runs the split ones",
    ' * (default: on the calling thread alone).',
    ' */',
    'export function bindSimdKernels(',
    '  exports: SimdKernelExports,',
    '  run: RunSplitKernel = runOnCallingThread,',
    '): SimdKernels {',
    '  return {',
  );
  for (const kernel of signatures) {
    const args = namedParameters(kernel).map((p) => `a.${p.name}`);
    if (isSplitKernel(kernel)) {
      const index = split.indexOf(kernel);
      const line = `      const args = [${args.join(', ')}];`;
      lines.push(
        `    ${kernel.name}(a, s) {`,
        ...(line.length <= 100
          ? [line]
          : ['      const args = [', ...args.map((arg) => `        ${arg},`), '      ];']),
        `      run(${index}, exports.${kernel.name} as (...args: number[]) => void, args, s);`,
        '    },',
      );
    } else {
      lines.push(
        `    ${kernel.name}(a) {`,
        ...list('      ', `exports.${kernel.name}`, args, ';'),
        '    },',
      );
    }
  }
  lines.push('  };', '}', '');
  return lines.join('\n');
}
