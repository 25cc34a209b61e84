/** A WebAssembly binary that imports its memory as shared, and the limits that memory needs. */
export interface SharedMemoryModule {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Pages (64 KiB) the module declared as its initial size. */
  readonly initial: number;
  /** Pages it may grow to (shared memories must declare a maximum). */
  readonly maximum: number;
}

/** 4 GiB: the most a wasm32 memory can have, for modules that declared no maximum. */
const maxPages = 65536;

function leb128(value: number): number[] {
  const out: number[] = [];
  let rest = value >>> 0;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? low : low | 0x80);
  } while (rest !== 0);
  return out;
}

function name(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  return [...leb128(bytes.length), ...bytes];
}

/**
 * Rewrites a module that defines its one memory (an Emscripten build without threads, such as
 * tfjs-backend-wasm's single-threaded builds) into one that imports it as a shared memory,
 * `env.memory`, with the same limits: the memory section is dropped and a memory import with the
 * shared flag is appended to the imports (imported memories come first, so it keeps index 0 and
 * every instruction and the `memory` export still refer to it). Its data segments are then
 * written into the given memory at instantiation, as they were into its own.
 *
 * This is what lets cnnkit's kernels run on worker threads in Node, where tfjs-backend-wasm only
 * loads single-threaded builds: their heap becomes a SharedArrayBuffer that workers can use.
 * Throws when the binary is not a module with exactly one memory of its own.
 */
export function withSharedMemoryImport(source: Uint8Array): SharedMemoryModule {
  if (source[0] !== 0 || source[1] !== 0x61 || source[2] !== 0x73 || source[3] !== 0x6d) {
    throw new Error('not a WebAssembly binary');
  }
  let at = 8;
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = source[at++] as number;
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  };
  const sections: { id: number; start: number; body: number; end: number }[] = [];
  let limits: { initial: number; maximum: number } | undefined;
  while (at < source.length) {
    const start = at;
    const id = source[at++] as number;
    const size = u32();
    const body = at;
    sections.push({ id, start, body, end: body + size });
    if (id === 5) {
      const count = u32();
      const flags = source[at++] as number;
      if (count !== 1 || (flags & 2) !== 0) {
        throw new Error(`expected one unshared memory, found ${count} (flags ${flags})`);
      }
      const initial = u32();
      limits = { initial, maximum: (flags & 1) !== 0 ? u32() : maxPages };
    }
    at = body + size;
  }
  if (limits == null) throw new Error('the module defines no memory of its own');

  const memoryImport = [
    ...name('env'),
    ...name('memory'),
    0x02, // memory
    0x03, // limits with a maximum, shared
    ...leb128(limits.initial),
    ...leb128(limits.maximum),
  ];
  if (!sections.some((section) => section.id === 2)) {
    throw new Error('the module imports nothing (an Emscripten build always does)');
  }
  const parts: Uint8Array[] = [source.subarray(0, 8)];
  for (const section of sections) {
    if (section.id === 5) continue;
    if (section.id === 2) {
      at = section.body;
      const count = u32();
      const body = [...leb128(count + 1), ...source.subarray(at, section.end), ...memoryImport];
      parts.push(new Uint8Array([2, ...leb128(body.length), ...body]));
      continue;
    }
    parts.push(source.subarray(section.start, section.end));
  }
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return { bytes, ...limits };
}
