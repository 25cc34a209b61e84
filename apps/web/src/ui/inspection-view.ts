import { accuracyText } from '../accuracy-text.js';
import type { EvaluationSummary, Inspection } from '../protocol.js';
import { rgbCanvas } from './rgb-canvas.js';
import { renderTopK } from './top-k-bars.js';

export interface InspectionElements {
  readonly accuracy: HTMLElement;
  readonly predictions: HTMLElement;
  readonly confusion: HTMLTableElement;
  /** The confusion matrix's scroll container. */
  readonly confusionScroll: HTMLElement;
  readonly filters: HTMLElement;
  /** The filters' heading: which layer, how many and how big. */
  readonly filtersTitle: HTMLElement;
}

const overflowChecks = new WeakMap<HTMLElement, () => void>();

/** "Test accuracy 41.2 % (206 / 500 images), loss 1.6200" — exact counts, as `cnnkit eval` reports. */
export function accuracyLine(evaluation: EvaluationSummary, what = 'Test accuracy'): string {
  return `${accuracyText(evaluation, what)}, loss ${evaluation.loss.toFixed(4)}`;
}

function renderConfusion(
  table: HTMLTableElement,
  evaluation: EvaluationSummary,
  classNames: readonly string[],
): void {
  const head = document.createElement('tr');
  const corner = document.createElement('th');
  corner.scope = 'col';
  corner.className = 'corner';
  corner.textContent = 'true \\ predicted';
  head.append(corner);
  for (const name of classNames) {
    const th = document.createElement('th');
    th.scope = 'col';
    // Whole names, written vertically: ten of them fit a phone's width.
    const text = document.createElement('span');
    text.className = 'vertical';
    text.textContent = name;
    th.append(text);
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

/**
 * Marks `scroller` with `data-overflows` while its content is wider than it (a confusion
 * matrix on a phone), which shows the scroll hint beside it; kept up to date on resizes.
 */
export function watchOverflow(scroller: HTMLElement): () => void {
  const update = () => {
    scroller.toggleAttribute('data-overflows', scroller.scrollWidth > scroller.clientWidth + 1);
  };
  new ResizeObserver(update).observe(scroller);
  return update;
}

/**
 * Draws an {@link Inspection}: accuracy line, prediction grid, confusion matrix, and the first
 * convolution's filters (SimpleCNN's conv1, AirbenchNet's whitening layer).
 */
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
      // The true class and a verdict; the prediction itself heads the top-3 bars below.
      const truth = document.createElement('span');
      truth.className = 'truth';
      const trueLine = document.createElement('span');
      trueLine.textContent = `true: ${classNames[sample.label]}`;
      const verdict = document.createElement('span');
      verdict.className = wrong ? 'verdict wrong-mark' : 'verdict';
      verdict.textContent = wrong ? '✗ wrong' : '✓ right';
      // Read as one sentence; each part has its own line on screen.
      const separator = document.createElement('span');
      separator.className = 'visually-hidden';
      separator.textContent = ', ';
      truth.append(trueLine, separator, verdict);
      truth.title = `true: ${classNames[sample.label]} · predicted: ${classNames[predicted ?? 0]}`;
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
  let checkOverflow = overflowChecks.get(elements.confusionScroll);
  if (!checkOverflow) {
    checkOverflow = watchOverflow(elements.confusionScroll);
    overflowChecks.set(elements.confusionScroll, checkOverflow);
  }
  checkOverflow();
  const { filterLayer, filterSize, modelName } = inspection;
  const small = document.createElement('small');
  small.textContent = `(${modelName}: ${inspection.filters.length} of ${filterSize}×${filterSize} RGB, each scaled to its own range)`;
  elements.filtersTitle.replaceChildren(`${filterLayer} filters `, small);
  elements.filters.replaceChildren(
    ...inspection.filters.map((filter, i) =>
      rgbCanvas(filter, filterSize, `${filterLayer} filter ${i + 1}`),
    ),
  );
}
