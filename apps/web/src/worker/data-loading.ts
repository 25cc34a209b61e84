import { cifar10SampleUrl } from '@cnnkit/cifar10-sample';
import { type Cifar10Data, cifar10FromArchiveBytes } from '@cnnkit/datasets';
import type { DataSummary } from '../protocol.js';
import { readArchiveFile } from './read-archive-file.js';
import type { WorkerSession } from './worker-session.js';

/** Makes `loaded` the session's data set and describes it for the page. */
function adoptData(session: WorkerSession, source: string, loaded: Cifar10Data): DataSummary {
  session.data = { data: loaded, source };
  return {
    source,
    trainCount: loaded.train.count,
    testCount: loaded.test.count,
    classNames: loaded.train.classNames,
  };
}

/** Loads the embedded CIFAR-10 sample (2,000 + 500 images). */
export async function loadSample(session: WorkerSession): Promise<DataSummary> {
  const response = await fetch(cifar10SampleUrl);
  if (!response.ok) throw new Error(`cannot fetch the embedded sample (HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return adoptData(session, 'sample', cifar10FromArchiveBytes(bytes, 'cifar-10-sample.tar.gz'));
}

/** Loads an official `cifar-10-binary.tar.gz` the visitor chose, reporting progress. */
export async function loadArchive(session: WorkerSession, file: File): Promise<DataSummary> {
  session.requireIdle('loading other data');
  const tar = await readArchiveFile(file, file.name, (fraction) =>
    session.post({ type: 'data-progress', phase: 'decompressing', fraction }),
  );
  session.post({ type: 'data-progress', phase: 'reading images', fraction: 1 });
  return adoptData(session, file.name, cifar10FromArchiveBytes(tar, file.name));
}
