import type { TopK } from '../protocol.js';

/** Fills a list with one labelled bar per class of `top` (percent to one decimal). */
export function renderTopK(list: HTMLElement, top: TopK, classNames: readonly string[]): void {
  list.replaceChildren(
    ...top.map(({ label, probability }) => {
      const item = document.createElement('li');
      const text = document.createElement('span');
      text.textContent = `${classNames[label] ?? label} ${(100 * probability).toFixed(1)} %`;
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${Math.max(1, 100 * probability)}%`;
      bar.setAttribute('aria-hidden', 'true');
      item.append(text, bar);
      return item;
    }),
  );
}
