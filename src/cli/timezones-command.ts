import { windowsTimeZoneIds } from '../mapping/time-zone.js';

/** One Windows time-zone id per line: the values NLPearl's timeZoneId accepts. */
export function printTimeZones(stdout: NodeJS.WritableStream): void {
  stdout.write(`${windowsTimeZoneIds().join('\n')}\n`);
}
