import { AIRBENCH_CIFAR10, airbenchCifar10WeightsUrl } from '@cnnkit/airbench-cifar10';
import type { WorkerSession } from './worker-session.js';

async function fetchChecked(): Promise<Uint8Array> {
  const response = await fetch(airbenchCifar10WeightsUrl);
  if (!response.ok) {
    throw new Error(
      `cannot fetch ${AIRBENCH_CIFAR10.fileName} (HTTP ${response.status}); reload the page, or load the file with "Load weights…"`,
    );
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  // crypto.subtle exists in secure contexts only (https, localhost); a plain-http host skips it.
  if (globalThis.crypto?.subtle) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    if (hex !== AIRBENCH_CIFAR10.sha256) {
      throw new Error(
        `${AIRBENCH_CIFAR10.fileName} arrived damaged (SHA-256 ${hex.slice(0, 12)}…, expected ${AIRBENCH_CIFAR10.sha256.slice(0, 12)}…); reload the page.`,
      );
    }
  }
  return bytes;
}

/**
 * `@cnnkit/airbench-cifar10`'s weights (AirbenchNet trained on CIFAR-10 by the fast recipe),
 * fetched from the build's assets once per worker and checked against the package's SHA-256.
 * A failed fetch is not kept: the next request tries again.
 */
export function airbenchCifar10Weights(session: WorkerSession): Promise<Uint8Array> {
  session.airbenchCifar10 ??= fetchChecked().catch((error: unknown) => {
    session.airbenchCifar10 = undefined;
    throw error;
  });
  return session.airbenchCifar10;
}
