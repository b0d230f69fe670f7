#!/usr/bin/env node
// Writes src/mapping/windows-zones.generated.ts: every Windows time-zone id with the IANA names that map to it.
//
// Source: the Unicode CLDR, release 48, as the Unicode Consortium publishes it in JSON on npm:
//   - cldr-core@48.2.0, supplemental/windowsZones.json: the JSON form of unicode-org/cldr
//     common/supplemental/windowsZones.xml, the canonical Windows ↔ IANA table;
//   - cldr-bcp47@48.2.0, bcp47/timezone.json: the JSON form of common/bcp47/timezone.xml, which groups every
//     IANA name with its aliases and backward links (US/Eastern, Asia/Calcutta ~ Asia/Kolkata, Europe/Kiev …).
// CLDR data is © Unicode, Inc., under the Unicode License v3.
//
// Usage: node scripts/generate-windows-zones.js [--from DIR]
//   Without --from, the two packages are installed with `npm install --no-save` into a temporary folder that is
//   removed afterwards: they are data for this script only, never dependencies of the project.
//   With --from DIR, they are read from DIR/node_modules (an install you made yourself).
// To update: raise CLDR_PACKAGE_VERSION, run the script, review the diff of the generated file.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const CLDR_PACKAGE_VERSION = '48.2.0';
const OUTPUT = fileURLToPath(new URL('../src/mapping/windows-zones.generated.ts', import.meta.url));

function readJson(dir, path) {
  return JSON.parse(readFileSync(join(dir, 'node_modules', path), 'utf8'));
}

function loadCldr(dir) {
  for (const name of ['cldr-core', 'cldr-bcp47']) {
    const { version } = readJson(dir, `${name}/package.json`);
    if (version !== CLDR_PACKAGE_VERSION) {
      throw new Error(`${name} in ${dir} is ${version}, expected ${CLDR_PACKAGE_VERSION}`);
    }
  }
  const windows = readJson(dir, 'cldr-core/supplemental/windowsZones.json').supplemental;
  const bcp47 = readJson(dir, 'cldr-bcp47/bcp47/timezone.json').keyword.u.tz;
  return { cldrVersion: windows.version._cldrVersion, mapZones: windows.windowsZones.mapTimezones, bcp47 };
}

function withCldrPackages(from, use) {
  if (from !== undefined) return use(from);
  const dir = mkdtempSync(join(tmpdir(), 'cldr-'));
  try {
    execFileSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-package-lock',
        '--ignore-scripts',
        '--prefix',
        dir,
        `cldr-core@${CLDR_PACKAGE_VERSION}`,
        `cldr-bcp47@${CLDR_PACKAGE_VERSION}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function build({ mapZones, bcp47 }) {
  // Each BCP 47 group lists a zone's names; `_iana` (when present) is today's IANA name, which CLDR's own
  // canonical name (the first alias, e.g. Asia/Calcutta) may lag behind.
  const groupOf = new Map();
  for (const [key, entry] of Object.entries(bcp47)) {
    if (typeof entry !== 'object' || entry === null || typeof entry._alias !== 'string') continue;
    const names = entry._alias.split(' ').filter(Boolean);
    const group = { modern: entry._iana ?? names[0], names };
    for (const name of names) {
      if (groupOf.has(name)) throw new Error(`${name} is in two BCP 47 groups (second: ${key})`);
      groupOf.set(name, group);
    }
  }

  const zones = new Map(); // Windows id → { primary, iana: Set, aliases: Set }
  const owner = new Map(); // IANA name → Windows id
  // The territory "001" row names the zone that stands for the Windows id: list it first.
  const rows = [...mapZones.map((m) => m.mapZone)].sort(
    (a, b) => Number(b._territory === '001') - Number(a._territory === '001'),
  );
  for (const row of rows) {
    const id = row._other;
    let zone = zones.get(id);
    if (zone === undefined) zones.set(id, (zone = { iana: new Set(), aliases: new Set() }));
    for (const name of row._type.split(' ').filter(Boolean)) {
      const group = groupOf.get(name);
      if (group === undefined) throw new Error(`${name} (for ${id}) has no BCP 47 entry`);
      zone.iana.add(group.modern);
      for (const alias of group.names) {
        const previous = owner.get(alias);
        if (previous !== undefined && previous !== id) {
          throw new Error(`${alias} maps to both ${previous} and ${id}`);
        }
        owner.set(alias, id);
      }
    }
  }
  for (const zone of zones.values()) {
    for (const name of zone.iana) {
      for (const alias of groupOf.get(name).names) if (!zone.iana.has(alias)) zone.aliases.add(alias);
    }
  }

  const unmapped = [...groupOf.keys()].filter((name) => !owner.has(name)).sort();
  return { zones, unmapped };
}

function render(cldrVersion, { zones }) {
  const quote = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const list = (names) => `[${[...names].map(quote).join(', ')}]`;
  const lines = [...zones.keys()].sort().map((id) => {
    const zone = zones.get(id);
    return `  [${quote(id)}, ${list(zone.iana)}, ${list([...zone.aliases].sort())}],`;
  });
  return `// Generated by scripts/generate-windows-zones.js from CLDR ${cldrVersion} (npm cldr-core@${CLDR_PACKAGE_VERSION}
// supplemental/windowsZones.json, i.e. unicode-org/cldr common/supplemental/windowsZones.xml; aliases from
// cldr-bcp47@${CLDR_PACKAGE_VERSION} bcp47/timezone.json). Do not edit: run the script again.
// CLDR data is © Unicode, Inc., under the Unicode License v3.

export const CLDR_VERSION = '${cldrVersion}';

/**
 * One row per Windows time-zone id, sorted by id, exactly as CLDR spells it: the id, the IANA zones CLDR maps
 * to it (today's IANA names; the first is the zone that stands for the id), and every other name of those
 * zones (CLDR's older canonical names, IANA links and backward names such as "US/Eastern").
 */
export const WINDOWS_ZONES: readonly (readonly [windowsId: string, iana: readonly string[], aliases: readonly string[]])[] = [
${lines.join('\n')}
];
`;
}

const fromIndex = process.argv.indexOf('--from');
const from = fromIndex === -1 ? undefined : process.argv[fromIndex + 1];
const cldr = withCldrPackages(from, loadCldr);
const result = build(cldr);
writeFileSync(OUTPUT, render(cldr.cldrVersion, result));
process.stdout.write(`wrote ${OUTPUT}: ${result.zones.size} Windows ids, CLDR ${cldr.cldrVersion}\n`);
if (result.unmapped.length > 0)
  process.stdout.write(`IANA names CLDR maps to no Windows id: ${result.unmapped.join(', ')}\n`);
