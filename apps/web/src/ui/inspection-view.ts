import type { EvaluationSummary, Inspection } from '../protocol.js';
import { rgbCanvas } from './rgb-canvas.js';
import { renderTopK } from './top-k-bars.js';

export interface InspectionElements {
  readonly accuracy: HTMLElement;
  readonly predictions: HTMLElement;
  readonly confusion: HTMLTableElement;
  readonly filters: HTMLElement;
}

/** "Test accuracy 41.2 % (206 / 500 images), loss 1.62" — exact counts, as `cnnkit eval` reports. */
export function accuracyLine(evaluation: EvaluationSummary, what = 'Test accuracy'): string {
  const count = (n: number) => n.toLocaleString('en-US');
  return `${what} ${(100 * evaluation.accuracy).toFixed(1)} % (${count(evaluation.correct)} / ${count(evaluation.count)} images), loss ${evaluation.loss.toFixed(4)}`;
}

function renderConfusion(
  table: HTMLTableElement,
  evaluation: EvaluationSummary,
  classNames: readonly string[],
): void {
  const head = document.createElement('tr');
  head.append(document.createElement('th'));
  for (const name of classNames) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = name.slice(0, 4);
    th.title = name;
    head.append(th);
  }
  const perClass = document.createElement('th');
  perClass.scope = 'col';
  perClass.textContent = 'acc %';
  head.append(perClass);
  const rows = evaluation.confusionMatrix.map((row, i) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = classNames[i] ?? String(i);
    tr.append(th);
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      const td = document.createElement('td');
      td.textContent = String(count);
      if (i === j) td.className = 'diag';
      // Shade by share of the row so the diagonal stands out even with few images.
      const share = total > 0 ? count / total : 0;
      td.style.background = `rgba(36, 86, 201, ${(0.6 * share).toFixed(3)})`;
      tr.append(td);
    });
    const accuracy = evaluation.perClassAccuracy[i];
    const td = document.createElement('td');
    td.textContent = accuracy == null ? '–' : (100 * accuracy).toFixed(1);
    td.dataset.class = classNames[i] ?? String(i);
    tr.append(td);
    return tr;
  });
  table.replaceChildren(head, ...rows);
}

/** Draws an {@link Inspection}: accuracy line, prediction grid, confusion matrix, conv1 filters. */
export function renderInspection(
  elements: InspectionElements,
  inspection: Inspection,
  classNames: readonly string[],
  what?: string,
): void {
  elements.accuracy.textContent = accuracyLine(inspection.evaluation, what);
  elements.predictions.replaceChildren(
    ...inspection.samples.map((sample, i) => {
      const predicted = sample.top[0]?.label;
      const wrong = predicted !== sample.label;
      const item = document.createElement('li');
      if (wrong) item.className = 'wrong';
      const truth = document.createElement('span');
      truth.className = 'truth';
      truth.append(`true: ${classNames[sample.label]} · predicted: ${classNames[predicted ?? 0]} `);
      if (wrong) {
        const mark = document.createElement('span');
        mark.className = 'wrong-mark';
        mark.textContent = '✗';
        mark.setAttribute('aria-label', 'wrong');
        truth.append(mark);
      }
      const bars = document.createElement('ol');
      bars.className = 'bars';
      bars.setAttribute('aria-label', 'top 3');
      renderTopK(bars, sample.top, classNames);
      item.append(
        truth,
        rgbCanvas(sample.pixels, 32, `test image ${i + 1}: ${classNames[sample.label]}`),
        bars,
      );
      return item;
    }),
  );
  renderConfusion(elements.confusion, inspection.evaluation, classNames);
  elements.filters.replaceChildren(
    ...inspection.filters.map((filter, i) =>
      rgbCanvas(filter, inspection.filterSize, `conv1 filter ${i + 1}`),
    ),
  );
}
