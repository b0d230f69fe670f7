// The figures and the Markdown table of `npm run bench` (bench/run.js).

/** Rows/s as measured, CPU per 10,000 rows and peak RSS from GNU time. */
export function figures(run, rows, rowsPerSecond) {
  return {
    rows,
    rowsPerSecond,
    wallS: run.wallS,
    cpuPer10k: ((run.userS + run.sysS) / rows) * 10_000,
    peakRssMb: run.maxRssKb / 1024,
  };
}

/** The results as a Markdown table, one line per row of a case. */
export function table(rows) {
  const head = [
    'case',
    'rows',
    'rows/s',
    'ceiling (rows/s)',
    'ratio',
    'CPU s / 10k rows',
    'sandbox CPU s / 10k',
    'peak RSS',
    'server side',
    'load (1/5/15 min)',
    'target',
    'met',
  ];
  const lines = [head, head.map(() => '---')];
  for (const r of rows) {
    lines.push([
      r.name,
      r.rows.toLocaleString('en-US'),
      Math.round(r.rowsPerSecond).toLocaleString('en-US'),
      r.ceiling,
      r.ratio === undefined ? '—' : `${(r.ratio * 100).toFixed(1)}%`,
      r.cpuPer10k.toFixed(2),
      r.serverCpuPer10k.toFixed(2),
      `${r.peakRssMb.toFixed(0)} MB`,
      r.server || '—',
      r.load,
      r.target,
      r.met === undefined ? '—' : r.met ? 'yes' : '**no**',
    ]);
  }
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
