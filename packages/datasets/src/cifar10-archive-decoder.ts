import { Gunzip } from 'fflate';
import { Cifar10TarCollector } from './cifar10-tar-collector.js';

/**
 * Compressed bytes handed to the inflater at a time. fflate inflates each push whole, and
 * deflate expands at most 1,032-fold, so one push makes at most ~66 MB even from a gzip bomb.
 */
const INFLATE_SLICE = 64 * 1024;

/**
 * Reads a CIFAR-10 `.tar.gz` (or plain `.tar`) pushed in chunks, recognised by gzip's magic
 * bytes; inflates with fflate's streaming Gunzip (browser and Node) into a
 * {@link Cifar10TarCollector}, which stops at the most bytes a CIFAR-10 archive holds.
 */
export class Cifar10ArchiveDecoder {
  private readonly collector: Cifar10TarCollector;
  private head: Uint8Array = new Uint8Array(0);
  private gunzip: Gunzip | undefined;
  private isGzip: boolean | undefined;
  private collectorError: unknown;
  private sawInput = false;

  constructor(private readonly archiveName: string) {
    this.collector = new Cifar10TarCollector(archiveName);
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.sawInput = true;
    if (this.isGzip === undefined) {
      // Two bytes tell gzip from tar; a first chunk of one byte waits for the next.
      const head = concat(this.head, chunk);
      if (head.length < 2) {
        this.head = head;
        return;
      }
      this.head = new Uint8Array(0);
      this.isGzip = head[0] === 0x1f && head[1] === 0x8b;
      if (this.isGzip) this.gunzip = new Gunzip((data) => this.collect(data));
      chunk = head;
    }
    for (let i = 0; i < chunk.length; i += INFLATE_SLICE) {
      this.feed(chunk.subarray(i, i + INFLATE_SLICE), false);
    }
  }

  /** The CIFAR-10 files, by name, once every byte was pushed. */
  finish(): Map<string, Uint8Array> {
    if (!this.sawInput) throw new Error(`${this.archiveName}: the file is empty.`);
    if (this.isGzip === undefined) {
      this.isGzip = false;
      this.feed(this.head, false);
    }
    if (this.gunzip !== undefined) this.feed(new Uint8Array(0), true);
    return this.collector.finish();
  }

  private feed(bytes: Uint8Array, final: boolean): void {
    if (this.gunzip === undefined) {
      this.collector.push(bytes);
      return;
    }
    try {
      this.gunzip.push(bytes, final);
    } catch (error) {
      // Errors of the collector pass through fflate's callback; only fflate's own are about
      // decompressing.
      if (this.collectorError !== undefined) throw this.collectorError;
      throw new Error(
        `${this.archiveName}: cannot decompress (${(error as Error).message}); the file is incomplete or not a .tar.gz. Delete it and download it again.`,
      );
    }
  }

  private collect(data: Uint8Array): void {
    try {
      this.collector.push(data);
    } catch (error) {
      this.collectorError = error;
      throw error;
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
