// @ts-check
// The JavaScript a built web app ships: every .js file under its output directory, raw and
// gzip-compressed (level 9, as a static host would pre-compress them). BENCHMARKS.md's
// "Bundle size of a user's Vite app" uses it.
// Usage: node bundle-size.mjs <dist>
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const [dist] = process.argv.slice(2);
if (!dist) throw new Error('usage: node bundle-size.mjs <dist>');

const files = readdirSync(dist, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.js'))
  .sort()
  .map((name) => {
    const bytes = readFileSync(join(dist, name));
    return {
      file: relative(dist, join(dist, name)),
      bytes: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
    };
  });
if (files.length === 0) throw new Error(`${dist}: no .js files (was the app built?)`);
const total = {
  bytes: files.reduce((sum, f) => sum + f.bytes, 0),
  gzip: files.reduce((sum, f) => sum + f.gzip, 0),
};
const format = (/** @type {number} */ n) => n.toLocaleString('en-US').padStart(9);
for (const f of files) console.log(`${format(f.bytes)} B ${format(f.gzip)} B gzip  ${f.file}`);
console.log(
  `${format(total.bytes)} B ${format(total.gzip)} B gzip  JavaScript in ${files.length} files`,
);
