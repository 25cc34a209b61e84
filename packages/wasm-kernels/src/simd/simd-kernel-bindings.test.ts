import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { readKernelSignatures, renderKernelBindings } from '../../scripts/kernel-bindings.mjs';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const conv2dForwardSource = new URL('../../assembly/conv2d-forward.ts', import.meta.url);
const bindingsPath = fileURLToPath(new URL('./simd-kernel-bindings.generated.ts', import.meta.url));

/** The binding generated from the AssemblyScript sources with conv2d-forward.ts edited. */
async function bindingsWith(edit: (source: string) => string): Promise<string> {
  const signatures = await readKernelSignatures(async (file) => {
    const text = await readFile(file, 'utf8');
    return file.href === conv2dForwardSource.href ? edit(text) : text;
  });
  return renderKernelBindings(signatures);
}

/** Type errors of src/kernels/conv2d.ts (the caller of conv2dForward) against `bindings`. */
function typeErrorsOfCaller(bindings: string): string[] {
  const configFile = ts.findConfigFile(packageDir, ts.sys.fileExists) as string;
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, packageDir);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName === bindingsPath
      ? ts.createSourceFile(fileName, bindings, languageVersion)
      : getSourceFile.call(host, fileName, languageVersion, ...rest);
  const caller = `${packageDir}src/kernels/conv2d.ts`;
  const program = ts.createProgram([caller], options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(caller))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the binding generated from the AssemblyScript signatures', () => {
  it("reads each kernel's parameters in order, with their AssemblyScript types", async () => {
    const conv2dForward = (await readKernelSignatures()).find((k) => k.name === 'conv2dForward');
    expect(conv2dForward?.file).toBe('assembly/conv2d-forward.ts');
    expect(conv2dForward?.parameters.map((p) => `${p.name}: ${p.type}`)).toEqual([
      'x: usize',
      'w: usize',
      'out: usize',
      'xRows: i32',
      'xCols: i32',
      'inC: i32',
      'outH: i32',
      'outW: i32',
      'outC: i32',
      'filterH: i32',
      'filterW: i32',
      'strideH: i32',
      'strideW: i32',
      'dilationH: i32',
      'dilationW: i32',
      'partFrom: i32',
      'partTo: i32',
    ]);
  });

  it('makes a kernel whose last parameters are partFrom and partTo a split kernel', async () => {
    const bindings = renderKernelBindings(await readKernelSignatures());
    // Callers name every argument but the part range, and say how the call divides.
    expect(bindings).toContain('conv2dForward(args: Conv2dForwardArgs, split: KernelSplit): void;');
    expect(bindings).not.toMatch(/interface Conv2dForwardArgs \{[^}]*partFrom/);
    expect(bindings).toMatch(/splitKernelNames[^;]*'conv2dForward'/);
    // A kernel without them is called directly.
    expect(bindings).toContain('transpose2d(args: Transpose2dArgs): void;');
    expect(bindings).not.toMatch(/splitKernelNames[^;]*'transpose2d'/);
    const unsplit = await bindingsWith((source) =>
      source.replace('  partFrom: i32,\n  partTo: i32,\n', ''),
    );
    expect(unsplit).toContain('conv2dForward(args: Conv2dForwardArgs): void;');
    expect(unsplit).not.toMatch(/splitKernelNames[^;]*'conv2dForward'/);
  });

  it('follows a reordering in AssemblyScript in the adapter, with no change to the callers', async () => {
    const swapped = await bindingsWith((source) =>
      source.replace('  strideH: i32,\n  strideW: i32,', '  strideW: i32,\n  strideH: i32,'),
    );
    expect(swapped).toContain('        a.strideW,\n        a.strideH,\n');
    expect(typeErrorsOfCaller(swapped)).toEqual([]);
  }, 60_000);

  it('makes the TypeScript caller fail to compile when a parameter is renamed', async () => {
    const renamed = await bindingsWith((source) =>
      source.replace('  dilationW: i32,\n  partFrom', '  dilationCols: i32,\n  partFrom'),
    );
    expect(typeErrorsOfCaller(renamed).join('\n')).toMatch(
      /'dilationW' does not exist in type 'Conv2dForwardArgs'/,
    );
  }, 60_000);

  it('refuses a kernel the binding cannot pass arguments to', async () => {
    await expect(
      bindingsWith((source) =>
        source.replace('  dilationW: i32,\n  partFrom', '  dilationW: i64,\n  partFrom'),
      ),
    ).rejects.toThrow(
      'assembly/conv2d-forward.ts: conv2dForward(dilationW: i64) has a type the binding does not support',
    );
  });
});
