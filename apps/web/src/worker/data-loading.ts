import { cifar10SampleUrl } from '@cnnkit/cifar10-sample';
import { type Cifar10Data, cifar10FromArchiveBytes } from '@cnnkit/datasets';
import type { DataSummary, ImageFolderSummary } from '../protocol.js';
import { readArchiveFile } from './read-archive-file.js';
import type { WorkerSession } from './worker-session.js';

/**
 * Makes `loaded` the session's data set and describes it for the page. Data with other
 * classes gets a new, untrained model with one output per class (the model's class count
 * comes from the data); the same classes keep the model and its weights.
 */
export function adoptData(
  session: WorkerSession,
  source: string,
  loaded: Cifar10Data,
  folder?: ImageFolderSummary,
): DataSummary {
  const before = session.data?.data.train.classNames;
  const names = loaded.train.classNames;
  session.data = { data: loaded, source };
  if (before !== undefined && before.join('\n') !== names.join('\n')) {
    session.model?.dispose();
    session.model = undefined;
    session.lastGoodWeights = undefined;
    session.weightsInfo = undefined;
  }
  return {
    source,
    trainCount: loaded.train.count,
    testCount: loaded.test.count,
    classNames: names,
    ...(folder ? { folder } : {}),
  };
}

/** Loads the embedded CIFAR-10 sample (2,000 + 500 images). */
export async function loadSample(session: WorkerSession): Promise<DataSummary> {
  const response = await fetch(cifar10SampleUrl);
  if (!response.ok) throw new Error(`cannot fetch the embedded sample (HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const loaded = cifar10FromArchiveBytes(bytes, 'cifar-10-sample.tar.gz');
  return session.exclusive(() => adoptData(session, 'sample', loaded));
}

/** Loads an official `cifar-10-binary.tar.gz` the visitor chose, reporting progress. */
export async function loadArchive(session: WorkerSession, file: File): Promise<DataSummary> {
  session.requireIdle('loading other data');
  // Unpacking runs as the file is read; once it is all read, the images are decoded.
  const loaded = await readArchiveFile(file, file.name, (fraction) =>
    session.post({
      type: 'data-progress',
      phase: fraction < 1 ? 'decompressing' : 'reading images',
      fraction,
    }),
  );
  return session.exclusive(() => adoptData(session, file.name, loaded));
}
