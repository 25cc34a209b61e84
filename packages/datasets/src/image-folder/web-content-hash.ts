/**
 * Hex SHA-256 of `bytes` with the Web Crypto API (browsers in secure contexts, workers, Node),
 * throwing where it is missing (a page served over plain http: the loader then caches nothing).
 */
export async function webContentHash(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new Error('crypto.subtle is not available (serve the page over https to cache images)');
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
