// Checks one packed tarball the way a user's install sees it: the manifest has no
// `workspace:` (or `link:`/`file:`) range, LICENSE, README.md and every file named by
// `exports`, `bin` and `types` are inside, and no file carries a copy of TensorFlow.js code
// (tfjs-core is a peer). Prints one line; exits 1 with the reasons otherwise.
// Usage: node check-tarball.mjs <file.tgz>
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { findBundledTfjs } from '../../packages/build-config/bundled-code.js';

const [tarball] = process.argv.slice(2);
if (!tarball) throw new Error('usage: node check-tarball.mjs <file.tgz>');
const files = new Set(
  execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.replace(/^package\//, '')),
);
const manifest = JSON.parse(
  execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
);
const problems = [];

for (const field of [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
]) {
  for (const [name, range] of Object.entries(manifest[field] ?? {})) {
    if (/^(workspace|link|file|catalog):/.test(range))
      problems.push(`${field}.${name} is "${range}"`);
  }
}
for (const required of ['LICENSE', 'README.md', 'package.json']) {
  if (!files.has(required)) problems.push(`${required} is missing`);
}
/**
 * @param {unknown} value
 * @returns {string[]}
 */
function targets(value) {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(targets);
  return [];
}
for (const target of [
  ...targets(manifest.exports),
  ...targets(manifest.bin),
  ...targets(manifest.types),
]) {
  const path = target.replace(/^\.\//, '');
  if (!files.has(path)) problems.push(`${target} (named in package.json) is missing`);
}
const unpacked = mkdtempSync(join(tmpdir(), 'cnnkit-tarball-'));
try {
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
  for (const { file, reason } of findBundledTfjs(join(unpacked, 'package'))) {
    problems.push(`${file.slice(unpacked.length + 1)} ${reason}`);
  }
} finally {
  rmSync(unpacked, { recursive: true, force: true });
}
if (problems.length > 0) {
  console.error(`${basename(tarball)}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const internal = Object.entries(manifest.dependencies ?? {})
  .filter(([name]) => name.startsWith('@cnnkit/'))
  .map(([name, range]) => `${name}@${range}`);
console.log(
  `${manifest.name}@${manifest.version}: ${files.size} files, no workspace: ranges, no tfjs code` +
    (internal.length > 0 ? ` (${internal.join(', ')})` : ''),
);
