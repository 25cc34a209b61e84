/** What a WebAssembly binary declares, as far as the heap-safety checks need it. */
export interface WasmBinaryFacts {
  /** Section ids present, in order (1 type, 2 import, 3 function, 6 global, 7 export, 8 start, 11 data, 12 data count…). */
  readonly sectionIds: number[];
  /** Imports as `module.name:kind`, kind 0 function, 1 table, 2 memory, 3 global. */
  readonly imports: string[];
  /** Flags byte of each imported memory's limits (bit 0 has maximum, bit 1 shared). */
  readonly memoryImportFlags: number[];
  /** Exports as `name:kind`. */
  readonly exports: string[];
  /** Number of globals the module defines. */
  readonly globalCount: number;
  /**
   * Each exported function's parameter and result types, e.g. `{ params: 'i32 f32', results:
   * '' }` (the kernels module imports no functions, so function indices are its own).
   */
  readonly functionTypes: Record<string, { params: string; results: string }>;
}

const valueTypes: Record<number, string> = {
  127: 'i32',
  126: 'i64',
  125: 'f32',
  124: 'f64',
  123: 'v128',
};

/**
 * Reads the section list, imports, exports, exported function types and global count of a
 * WebAssembly binary.
 */
export function readWasmFacts(bytes: Uint8Array): WasmBinaryFacts {
  let at = 8; // magic + version
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++] as number;
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  };
  const name = (): string => {
    const length = u32();
    const text = new TextDecoder().decode(bytes.subarray(at, at + length));
    at += length;
    return text;
  };
  const facts: WasmBinaryFacts = {
    sectionIds: [],
    imports: [],
    memoryImportFlags: [],
    exports: [],
    globalCount: 0,
    functionTypes: {},
  };
  let globalCount = 0;
  const types: { params: string; results: string }[] = [];
  const functionTypeIndices: number[] = [];
  const exportedFunctions: [string, number][] = [];
  const valueTypeList = (): string =>
    Array.from({ length: u32() }, () => valueTypes[bytes[at++] as number] ?? '?').join(' ');
  while (at < bytes.length) {
    const id = bytes[at++] as number;
    const size = u32();
    const end = at + size;
    facts.sectionIds.push(id);
    if (id === 1) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        at++; // 0x60, a function type
        const params = valueTypeList();
        types.push({ params, results: valueTypeList() });
      }
    } else if (id === 3) {
      const count = u32();
      for (let i = 0; i < count; i++) functionTypeIndices.push(u32());
    } else if (id === 2) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        const module = name();
        const field = name();
        const kind = bytes[at++] as number;
        facts.imports.push(`${module}.${field}:${kind}`);
        if (kind === 2) {
          const flags = bytes[at++] as number;
          facts.memoryImportFlags.push(flags);
          u32();
          if (flags & 1) u32();
        } else {
          // Function imports carry a type index; the kernels module has none, so stop here.
          break;
        }
      }
    } else if (id === 6) {
      globalCount = u32();
    } else if (id === 7) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        const field = name();
        const kind = bytes[at++] as number;
        const index = u32();
        facts.exports.push(`${field}:${kind}`);
        if (kind === 0) exportedFunctions.push([field, index]);
      }
    }
    at = end;
  }
  for (const [field, index] of exportedFunctions) {
    const type = types[functionTypeIndices[index] as number];
    if (type != null) facts.functionTypes[field] = type;
  }
  return { ...facts, globalCount };
}
