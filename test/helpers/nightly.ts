import fs from 'node:fs';
import { phoneOf } from './leads-csv.js';

export interface NightLead {
  readonly n: number;
  readonly plan?: string;
}

/** A CRM's nightly export: the given leads, in the given order, with an externalId unless `externalIds` is false. */
export function writeNight(
  file: string,
  leads: readonly NightLead[],
  options: { externalIds?: boolean } = {},
): void {
  const withIds = options.externalIds ?? true;
  const lines = [withIds ? 'phone,externalId,firstName,plan' : 'phone,firstName,plan'];
  for (const { n, plan = 'basic' } of leads) {
    lines.push(withIds ? `${phoneOf(n)},ext-${n},Name ${n},${plan}` : `${phoneOf(n)},Name ${n},${plan}`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Leads `from`..`to`, all on the basic plan. */
export function range(from: number, to: number): NightLead[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({ n: from + i }));
}

/** A fixed shuffle (a seeded Fisher–Yates), so a failing night can be replayed. */
export function shuffled<T>(items: readonly T[], seed = 1): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
