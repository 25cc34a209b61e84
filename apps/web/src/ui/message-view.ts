/**
 * Shows a message in `element`: its first line as text and, when the message goes on with a
 * list ("  - problem" lines, as a weights mismatch reports every tensor that does not fit),
 * the list below it, every item, then any line after the list (such as what to do) as text.
 */
export function showMessage(element: HTMLElement, message: string): void {
  const [headline = '', ...rest] = message.trim().split('\n');
  const isItem = (line: string) => /^\s*-\s/.test(line);
  const items = rest.filter(isItem).map((line) => line.replace(/^\s*-\s*/, '').trim());
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
  const after = rest
    .filter((line) => !isItem(line))
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  element.replaceChildren(headline.trim(), list, after);
}
