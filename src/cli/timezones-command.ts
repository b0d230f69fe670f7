import { windowsTimeZones } from '../mapping/time-zone.js';

export interface TimeZonesOptions {
  /** Also list the IANA names each id stands for. Default true. */
  readonly iana?: boolean;
}

/**
 * One Windows time-zone id per line, the values NLPearl's timeZoneId accepts, sorted; after it (unless
 * `iana: false`) the IANA names that `import` turns into that id, the main zone first:
 *
 *     Eastern Standard Time            America/New_York, America/Detroit, …
 *
 * The id leads the line, so `nlpearl-leads timezones | grep Berlin` finds the id to write for Europe/Berlin.
 */
export function printTimeZones(stdout: NodeJS.WritableStream, options: TimeZonesOptions = {}): void {
  const zones = windowsTimeZones();
  if (options.iana === false) {
    stdout.write(`${zones.map((zone) => zone.id).join('\n')}\n`);
    return;
  }
  const width = Math.max(...zones.map((zone) => zone.id.length)) + 2;
  const lines = zones.map((zone) =>
    zone.iana.length === 0 ? zone.id : `${zone.id.padEnd(width)}${zone.iana.join(', ')}`,
  );
  stdout.write(`${lines.join('\n')}\n`);
}
