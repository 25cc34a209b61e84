/**
 * Shows a message in `element`: its first line as text and, when the message goes on with a
 * list ("  - problem" lines, as a weights mismatch reports every tensor that does not fit),
 * the list below it, every item.
 */
export function showMessage(element: HTMLElement, message: string): void {
  const [headline = '', ...rest] = message.split('\n');
  const items = rest.map((line) => line.replace(/^\s*-\s*/, '').trim()).filter((l) => l !== '');
  if (items.length === 0) {
    element.textContent = message.trim();
    return;
  }
  const list = document.createElement('ul');
  list.className = 'message-list';
  for (const item of items) {
    const li = document.createElement('li');
    li.textContent = item;
    list.append(li);
  }
  element.replaceChildren(headline.trim(), list);
}
