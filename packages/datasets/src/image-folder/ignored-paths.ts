/** System files that folders and archives pick up and that are never data. */
const SYSTEM_NAMES = new Set(['__MACOSX', 'Thumbs.db', 'desktop.ini']);

/**
 * Hidden and system files and folders, left out silently: names starting with `.`
 * (`.DS_Store`, `.git/`, macOS's `._photo.jpg`), `__MACOSX/`, `Thumbs.db`, `desktop.ini`.
 */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || SYSTEM_NAMES.has(name);
}

/** Whether any segment of a `/`-separated path is an ignored name. */
export function isIgnoredPath(path: string): boolean {
  return path.split('/').some(isIgnoredName);
}
