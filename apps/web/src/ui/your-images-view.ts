import type { DataSummary, ImageFolderSummary } from '../protocol.js';
import { rgbCanvas } from './rgb-canvas.js';
import { hiddenText, skippedText, splitText } from './your-images-text.js';

/**
 * Draws what was found in the visitor's images: a table of the classes (label order, the
 * sorted folder names) with their training and validation counts and a few thumbnails, the
 * split, the skipped files and the notices. Hidden for CIFAR-10.
 */
export function renderYourImages(container: HTMLElement, summary: DataSummary): void {
  const folder = summary.folder;
  container.hidden = folder === undefined;
  if (!folder) {
    container.replaceChildren();
    return;
  }
  const { report } = folder;
  const heading = document.createElement('p');
  heading.className = 'your-images-total';
  heading.textContent = `${summary.source}: ${summary.classNames.length} classes, ${summary.trainCount.toLocaleString('en-US')} training and ${summary.testCount.toLocaleString('en-US')} validation images (the page's test images), squashed to 32×32.`;
  const split = document.createElement('p');
  split.textContent = splitText(report.split);
  const parts: HTMLElement[] = [heading, split, classTable(summary.classNames, folder)];
  const skipped = skippedText(report);
  if (skipped) parts.push(paragraph(skipped, 'your-images-skipped'));
  const notices = [...report.notices, hiddenText(report.hiddenFiles)].filter(
    (notice): notice is string => notice !== undefined,
  );
  if (notices.length > 0) {
    const list = document.createElement('ul');
    list.className = 'your-images-notices';
    for (const notice of notices) {
      const item = document.createElement('li');
      item.textContent = notice;
      list.append(item);
    }
    parts.push(list);
  }
  container.replaceChildren(...parts);
}

function paragraph(text: string, className: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  return p;
}

function classTable(classNames: readonly string[], folder: ImageFolderSummary): HTMLElement {
  const table = document.createElement('table');
  table.id = 'your-classes';
  table.className = 'your-classes';
  const caption = document.createElement('caption');
  caption.textContent = 'Classes, in label order (folder names sorted as torchvision does)';
  const head = document.createElement('tr');
  for (const title of ['Class', 'Training', 'Validation', 'Training examples']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  table.append(caption);
  table.createTHead().append(head);
  const body = table.createTBody();
  folder.report.classes.forEach((counts, label) => {
    const row = document.createElement('tr');
    row.dataset.class = counts.name;
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = counts.name;
    const train = document.createElement('td');
    train.textContent = counts.train.toLocaleString('en-US');
    const val = document.createElement('td');
    val.textContent = counts.val.toLocaleString('en-US');
    if (counts.val === 0) val.title = 'no validation images: its accuracy is not measured';
    const examples = document.createElement('td');
    examples.className = 'thumbnails';
    for (const thumbnail of folder.thumbnails.filter((t) => t.label === label)) {
      examples.append(rgbCanvas(thumbnail.pixels, 32, `a training image of ${classNames[label]}`));
    }
    row.append(name, train, val, examples);
    body.append(row);
  });
  return table;
}
