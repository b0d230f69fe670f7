// Summarises a V8 CPU profile (`node --cpu-prof --cpu-prof-dir=DIR …`) as microseconds per row: the functions
// with the most self time, then the same by package (or by file of ours). What BENCHMARKS.md's per-row tables
// come from.
//
//   node bench/profile-summary.js <file.cpuprofile | dir> <rows> [--top 30]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' } },
});
const [where, rowsText] = positionals;
const rows = Number(rowsText);
if (where === undefined || !(rows > 0)) {
  console.error('usage: node bench/profile-summary.js <file.cpuprofile | dir> <rows> [--top 30]');
  process.exit(2);
}
const file = fs.statSync(where).isDirectory()
  ? path.join(
      where,
      fs
        .readdirSync(where)
        .filter((name) => name.endsWith('.cpuprofile'))
        .sort()
        .at(-1) ?? '',
    )
  : where;
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfTime = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  selfTime.set(id, (selfTime.get(id) ?? 0) + profile.timeDeltas[i]);
  total += profile.timeDeltas[i];
});

const byFunction = new Map();
const byPackage = new Map();
const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
for (const [id, us] of selfTime) {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  // A package's files keep its name (got/dist/source/…); only our own build is shortened to dist/….
  const short = url.includes('/node_modules/')
    ? url.replace(/.*node_modules\//, '')
    : url.replace(/.*\/dist\//, 'dist/');
  add(byFunction, `${functionName || '(anonymous)'} ${short}:${lineNumber}`, us);
  let group = short.startsWith('dist/')
    ? short
    : short
        .split('/')
        .slice(0, short.startsWith('@') ? 2 : 1)
        .join('/');
  if (short.startsWith('node:')) group = 'node (built-in modules)';
  add(byPackage, group || '(native: GC, syscalls, idle)', us);
}
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
    console.log(`${(us / rows).toFixed(1).padStart(8)} µs/row  ${key}`);
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(total / rows).toFixed(0)} µs per row`);
print('by function (self time)', byFunction);
print('by package', byPackage);
