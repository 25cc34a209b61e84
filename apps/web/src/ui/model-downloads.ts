import type { ExportedDownload, ExportFormat } from '../protocol.js';
import { showMessage } from './message-view.js';

/** What each download is, for the line the page shows after it. */
const DESCRIPTIONS: Readonly<Record<ExportFormat, string>> = {
  onnx: 'ONNX opset 17 for onnxruntime: input images NCHW float32 [batch, 3, 32, 32], output logits',
  tfjs: 'TF.js graph model: unzip and serve the folder, then loadGraphModel("simple-cnn-tfjs/model.json"); input images NHWC float32 [batch, 32, 32, 3], output logits',
};

/** Saves `bytes` as a download named `name`. */
function saveFile(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // Revoked later, not at once: the browser reads the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The "Download ONNX" and "Download TF.js" buttons: each asks the worker for the
 * current model in that format (`exportModel`) and saves the file; the status line says what
 * was saved and how to load it, or the error and what to do.
 */
export class ModelDownloads {
  private enabled = false;
  private busy = false;

  constructor(
    private readonly buttons: Readonly<Record<ExportFormat, HTMLButtonElement>>,
    private readonly status: HTMLElement,
    private readonly exportModel: (format: ExportFormat) => Promise<ExportedDownload>,
  ) {
    for (const format of ['onnx', 'tfjs'] as const) {
      buttons[format].addEventListener('click', () => void this.download(format));
    }
  }

  /** Enabled when no training run is in progress (the page is idle). */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.update();
  }

  private update(): void {
    for (const button of Object.values(this.buttons)) button.disabled = !this.enabled || this.busy;
  }

  private async download(format: ExportFormat): Promise<void> {
    this.busy = true;
    this.update();
    delete this.status.dataset.error;
    this.status.textContent = `Exporting the model as ${format === 'onnx' ? 'ONNX' : 'TF.js'}…`;
    try {
      const file = await this.exportModel(format);
      saveFile(
        file.bytes,
        file.name,
        format === 'onnx' ? 'application/octet-stream' : 'application/zip',
      );
      this.status.textContent = `Downloaded ${file.name} (${file.bytes.length.toLocaleString('en-US')} bytes): ${DESCRIPTIONS[format]}. Class names and preprocessing are in its metadata.`;
    } catch (error) {
      this.status.dataset.error = 'true';
      showMessage(this.status, (error as Error).message);
    }
    this.busy = false;
    this.update();
  }
}
