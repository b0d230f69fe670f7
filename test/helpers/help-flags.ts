/** Each flag of a --help text, with its section and its text (wrapped lines joined). */
export function helpFlags(text: string): Map<string, { group: string; text: string }> {
  const flags = new Map<string, { group: string; text: string }>();
  let group = '';
  let current: { group: string; text: string } | undefined;
  for (const line of text.split('\n')) {
    const flag = /^\s+(?:-\w, )?--([\w-]+)\s/.exec(line);
    if (/^\S.*:$/.test(line)) group = line;
    if (flag) flags.set(flag[1]!, (current = { group, text: line.trim() }));
    else if (current !== undefined && /^\s{10,}\S/.test(line)) current.text += ` ${line.trim()}`;
    else current = undefined;
  }
  for (const entry of flags.values()) entry.text = entry.text.replace(/\s+/g, ' ');
  return flags;
}
