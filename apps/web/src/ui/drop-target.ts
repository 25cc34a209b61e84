/** Makes `zone` accept a dropped file (highlighting while dragged over) and calls `onFile`. */
export function acceptDroppedFile(zone: HTMLElement, onFile: (file: File) => void): void {
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const file = event.dataTransfer?.files[0];
    if (file) onFile(file);
  });
}

/** Calls `onFile` with the file chosen in a file input, then clears it so the same file can be chosen again. */
export function onFileChosen(input: HTMLInputElement, onFile: (file: File) => void): void {
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) onFile(file);
  });
}
