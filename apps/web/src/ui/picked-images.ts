import type { PickedImages } from '../protocol.js';

/**
 * The files of `<input type="file" webkitdirectory>` with their paths inside the picked
 * folder, which names the set (messages then read `photos/val/…`, not `photos/photos/val/…`).
 * A File posted to the worker loses its `webkitRelativePath`, so the path travels next to it.
 */
export function imagesFromFolderInput(files: ArrayLike<File>): PickedImages | undefined {
  const list = Array.from(files, (file) => {
    const [top = '', ...inside] = (file.webkitRelativePath || file.name).split('/');
    return { top, path: inside.join('/') || top, file };
  });
  const first = list[0];
  if (!first) return undefined;
  return {
    kind: 'files',
    name: first.top,
    files: list.map(({ path, file }) => ({ path, file })),
  };
}

/** What was dropped: a folder (read with its subfolders) or a file taken for an archive. */
export async function imagesFromDrop(transfer: DataTransfer): Promise<PickedImages | undefined> {
  // Entries must be taken before the drop handler yields: the DataTransfer empties after it.
  const entry = [...transfer.items].map((item) => item.webkitGetAsEntry?.()).find((e) => e);
  if (entry?.isDirectory) {
    const files: { path: string; file: Blob }[] = [];
    await collectFiles(entry as FileSystemDirectoryEntry, '', files);
    return { kind: 'files', name: entry.name, files };
  }
  const file = transfer.files[0];
  return file ? { kind: 'archive', file } : undefined;
}

async function collectFiles(
  directory: FileSystemDirectoryEntry,
  path: string,
  into: { path: string; file: Blob }[],
): Promise<void> {
  const reader = directory.createReader();
  // readEntries gives a directory's entries in chunks (100 in Chromium) until an empty one.
  for (;;) {
    const entries = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (entries.length === 0) return;
    for (const entry of entries) {
      const entryPath = path === '' ? entry.name : `${path}/${entry.name}`;
      if (entry.isDirectory) {
        await collectFiles(entry as FileSystemDirectoryEntry, entryPath, into);
      } else {
        const file = await new Promise<File>((resolve, reject) =>
          (entry as FileSystemFileEntry).file(resolve, reject),
        );
        into.push({ path: entryPath, file });
      }
    }
  }
}

/** Makes `zone` take a dropped folder or archive (highlighting while dragged over). */
export function acceptDroppedImages(
  zone: HTMLElement,
  onImages: (images: PickedImages) => void,
  onError: (message: string) => void,
): void {
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    if (!event.dataTransfer) return;
    imagesFromDrop(event.dataTransfer).then(
      (images) => images && onImages(images),
      (error: Error) => onError(`The dropped folder could not be read: ${error.message}`),
    );
  });
}
