import { CIFAR10_FILES } from './cifar10-format.js';
import {
  CIFAR10_MAX_TAR_BYTES,
  cifar10FileLimit,
  describeCifar10FileLimit,
} from './cifar10-limits.js';
import { formatCount } from './format-count.js';
import { type TarEntry, TarStreamReader } from './tar-stream-reader.js';

const REGULAR_FILE_TYPES = new Set(['0', '\0', '7']);
/** Hard and symbolic links, character and block devices, FIFOs. */
const REFUSED_TYPES = new Map([
  ['1', 'hard link'],
  ['2', 'symbolic link'],
  ['3', 'character device'],
  ['4', 'block device'],
  ['6', 'FIFO'],
]);

/**
 * Takes a CIFAR-10 archive's tar stream chunk by chunk and keeps only the CIFAR-10 files
 * (`data_batch_N.bin`, `test_batch.bin`, `batches.meta.txt`, wherever the archive's top
 * directory is). Memory stays bounded whatever the input: the stream may be at most
 * {@link CIFAR10_MAX_TAR_BYTES} long, and an entry larger than its file may be is refused at its
 * header, before any of its bytes are kept.
 */
export class Cifar10TarCollector {
  private readonly files = new Map<string, Uint8Array>();
  private readonly foundAt = new Map<string, string>();
  private readonly reader: TarStreamReader;
  private tarBytes = 0;

  constructor(private readonly archiveName: string) {
    this.reader = new TarStreamReader(archiveName, {
      onEntry: (entry) => this.wants(entry),
      onFile: (entry, data) => {
        this.files.set(baseName(entry.path), data);
      },
    });
  }

  /** Pushes the next bytes of the tar stream; throws once it is longer than any CIFAR-10 tar. */
  push(chunk: Uint8Array): void {
    this.tarBytes += chunk.length;
    if (this.tarBytes > CIFAR10_MAX_TAR_BYTES) {
      throw new Error(
        `${this.archiveName}: unpacks to more than ${formatCount(CIFAR10_MAX_TAR_BYTES)} bytes, the most a CIFAR-10 archive holds; stopped reading. It is not a CIFAR-10 archive.`,
      );
    }
    this.reader.push(chunk);
  }

  /** The CIFAR-10 files found, by file name; throws when the tar stream was cut short. */
  finish(): Map<string, Uint8Array> {
    this.reader.end();
    return this.files;
  }

  private wants(entry: TarEntry): boolean {
    const quoted = JSON.stringify(entry.path);
    const refusedType = REFUSED_TYPES.get(entry.type);
    if (refusedType !== undefined) {
      throw new Error(
        `${this.archiveName}: refusing archive entry ${quoted}, a ${refusedType}; CIFAR-10 archives hold only files and directories.`,
      );
    }
    const name = baseName(entry.path);
    const isCifarFile = CIFAR10_FILES.includes(name) && REGULAR_FILE_TYPES.has(entry.type);
    if (isCifarFile && entry.size > cifar10FileLimit(name)) {
      throw new Error(
        `${this.archiveName}: archive entry ${quoted} is ${formatCount(entry.size)} bytes, more than a CIFAR-10 ${name} holds (at most ${describeCifar10FileLimit(name)}); refused before reading it.`,
      );
    }
    if (entry.offset + entry.size > CIFAR10_MAX_TAR_BYTES) {
      throw new Error(
        `${this.archiveName}: archive entry ${quoted} claims ${formatCount(entry.size)} bytes, more than a whole CIFAR-10 archive holds (${formatCount(CIFAR10_MAX_TAR_BYTES)} bytes); refused before reading it. It is not a CIFAR-10 archive.`,
      );
    }
    if (!isCifarFile) return false;
    const previous = this.foundAt.get(name);
    if (previous !== undefined) {
      throw new Error(
        `${this.archiveName}: holds ${name} twice (${previous} and ${entry.path}); keep one CIFAR-10 copy per archive.`,
      );
    }
    this.foundAt.set(name, entry.path);
    return true;
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
