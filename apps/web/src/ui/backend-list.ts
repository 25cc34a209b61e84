import type { BackendName, BackendStatus } from '../protocol.js';

/** The backend radio group: one row per backend; failed ones are disabled with their reason. */
export class BackendList {
  private readonly rows = new Map<BackendName, HTMLElement>();

  constructor(
    private readonly fieldset: HTMLFieldSetElement,
    private readonly onSelect: (name: BackendName) => void,
  ) {}

  update(status: BackendStatus, active: boolean): void {
    let row = this.rows.get(status.name);
    if (!row) {
      row = document.createElement('label');
      row.className = 'backend-option';
      row.innerHTML =
        '<input type="radio" name="backend" /><span><strong></strong></span><span class="backend-detail"></span>';
      const input = row.querySelector('input') as HTMLInputElement;
      input.value = status.name;
      input.addEventListener('change', () => {
        if (input.checked) this.onSelect(status.name);
      });
      (row.querySelector('strong') as HTMLElement).textContent = status.name;
      if (status.experimental) {
        const tag = document.createElement('span');
        tag.className = 'tag';
        tag.textContent = 'experimental';
        row.querySelector('strong')?.after(tag);
      }
      this.rows.set(status.name, row);
      this.fieldset.append(row);
    }
    row.dataset.state = status.state;
    row.dataset.backend = status.name;
    const input = row.querySelector('input') as HTMLInputElement;
    input.disabled = status.state !== 'ok';
    if (active) input.checked = true;
    (row.querySelector('.backend-detail') as HTMLElement).textContent =
      status.state === 'failed' ? `unavailable: ${status.detail}` : status.detail;
  }

  setEnabled(enabled: boolean): void {
    this.fieldset.disabled = !enabled;
  }
}
