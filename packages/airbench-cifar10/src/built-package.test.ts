import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

// The URL is resolved relative to dist/, so check the built files in a fresh Node process.
it('the built package finds its data file from dist/ in a fresh process', () => {
  const script = `
      import { airbenchCifar10WeightsUrl } from '@cnnkit/airbench-cifar10';
      import { airbenchCifar10WeightsPath } from '@cnnkit/airbench-cifar10/node';
      import { statSync } from 'node:fs';
      console.log(airbenchCifar10WeightsUrl.href === new URL('file://' + airbenchCifar10WeightsPath()).href, statSync(airbenchCifar10WeightsPath()).size);
    `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  expect(output.trim()).toMatch(/^true \d{7}$/);
});
