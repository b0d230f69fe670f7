import type { OptionSpec } from '../../src/options/option-spec.js';

/**
 * A valid value for any option of the table, as a config file or a library caller gives it; `variant` 0 and 1
 * give two different ones, so a test can tell which source won.
 */
export function sampleValue(spec: OptionSpec, variant: 0 | 1): unknown {
  switch (spec.type) {
    case 'boolean':
      return variant === 0;
    case 'string':
      if (spec.url === true) return `https://api${variant}.example.com/`;
      if (spec.length === 2) return ['US', 'FR'][variant];
      return `v${variant}`;
    case 'path':
      return `file-${variant}.txt`;
    case 'number':
      return (spec.min ?? (spec.above ?? 0) + 1) + variant;
    case 'choices':
      return spec.choices[variant];
    case 'list':
      return [`column ${variant}`, 'Company'];
    case 'count-or-share':
      return `${variant + 1}%`;
    case 'mapping':
      return { phoneNumber: `Phone ${variant}` };
  }
}
