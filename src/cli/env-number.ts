/** A setting read from the environment: a whole number, or nothing given (blank or unset), or why not. */
export type EnvNumber = { readonly value: number | undefined } | { readonly error: string };

/**
 * Reads `name` as a whole number of `unit` (0–9999). The error is the one line the CLI prints, naming the
 * variable and what it got.
 */
export function envNumber(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  unit: string,
): EnvNumber {
  const given = env[name]?.trim() ?? '';
  if (given === '') return { value: undefined };
  if (!/^\d{1,4}$/.test(given)) return { error: `${name} must be a whole number of ${unit}, got "${given}"` };
  return { value: Number(given) };
}
