// Benchmark input: a CSV of distinct, valid leads, and the exact Add Lead body the importer sends for each row,
// so the plain got loop (bench/plain-loop.js) can send the same bodies without reading the CSV.
//
//   node bench/generate.js <file.csv> <rows>
import fs from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const CSV_HEADER = 'phoneNumber,externalId,timeZoneId,firstName,email,notes';

const TIME_ZONES = [
  'Eastern Standard Time',
  'Central Standard Time',
  'Mountain Standard Time',
  'Pacific Standard Time',
];
const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Radia',
  'Niklaus',
];
const NOTES = ['', 'call after 5pm', 'Prefers email, then phone', 'said "maybe", call again', 'VIP'];
/** Exchanges 200–999 of area code 212, 10,000 lines each; all pass libphonenumber-js `max` validation. */
export const MAX_ROWS = 800 * 10_000;

/** The cells of row `i` (0-based), before CSV quoting. Phone numbers are distinct for every i < MAX_ROWS. */
export function leadFields(i) {
  if (!Number.isInteger(i) || i < 0 || i >= MAX_ROWS)
    throw new RangeError(`row index ${i}: 0..${MAX_ROWS - 1}`);
  const exchange = 200 + Math.floor(i / 10_000);
  const line = String(i % 10_000).padStart(4, '0');
  const firstName = FIRST_NAMES[i % FIRST_NAMES.length];
  return {
    phoneNumber: `+1212${exchange}${line}`,
    externalId: `bench-${i + 1}`,
    timeZoneId: TIME_ZONES[i % TIME_ZONES.length],
    firstName,
    email: `${firstName.toLowerCase()}.${i + 1}@example.com`,
    notes: NOTES[i % NOTES.length],
  };
}

/** The Add Lead body the importer builds from row `i`: E.164 phone, empty cells left out. */
export function leadBody(i) {
  const { phoneNumber, externalId, timeZoneId, firstName, email, notes } = leadFields(i);
  const callData = { firstName, email };
  if (notes !== '') callData.notes = notes;
  return { phoneNumber, externalId, timeZoneId, callData };
}

function csvCell(text) {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Writes `rows` rows to `file`, in chunks, respecting the stream's backpressure. */
export async function writeLeadsCsv(file, rows) {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS) throw new RangeError(`rows: 1..${MAX_ROWS}`);
  const out = fs.createWriteStream(file);
  try {
    out.write(`${CSV_HEADER}\n`);
    let chunk = '';
    for (let i = 0; i < rows; i += 1) {
      const f = leadFields(i);
      chunk += `${[f.phoneNumber, f.externalId, f.timeZoneId, f.firstName, f.email, f.notes].map(csvCell).join(',')}\n`;
      if (chunk.length > 1 << 16 || i === rows - 1) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, rows] = process.argv.slice(2);
  if (file === undefined || rows === undefined) {
    console.error('usage: node bench/generate.js <file.csv> <rows>');
    process.exit(2);
  }
  await writeLeadsCsv(file, Number(rows));
}
