// Child processes for the benchmark: the sandbox, the importer and the plain loop, each measured by GNU time.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
/* global fetch, AbortSignal */

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** The build under test: dist/, or the snapshot of it that `snapshotDist` made. */
let dist = path.join(ROOT, 'dist');
export const distFile = (relative) => path.join(dist, relative);

/**
 * Copies dist/ to .scratch/ (git- and lint-ignored) and runs everything from the copy from then on: a `npm test`
 * elsewhere in the tree rebuilds dist/, which must not change the code under test half-way through a run.
 * Inside the repository, so the copy still finds node_modules. Returns a function that removes the copy.
 */
export function snapshotDist() {
  const copy = path.join(ROOT, '.scratch', `bench-dist-${process.pid}`);
  fs.cpSync(path.join(ROOT, 'dist'), copy, { recursive: true });
  dist = copy;
  return () => fs.rmSync(copy, { recursive: true, force: true });
}

/** The commit and the files changed in the working tree, for the record of a run. */
export function revision() {
  const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', timeout: 10_000 }).trim();
  try {
    const changed = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean);
    return `${git('rev-parse', '--short', 'HEAD')}${changed.length > 0 ? ` + ${changed.length} changed files` : ''}`;
  } catch {
    return 'unknown';
  }
}
const TIME = '/usr/bin/time';
/** Most bytes of a child's stdout or stderr kept (the importer's summary is a few lines). */
const MAX_OUTPUT = 1 << 20;
/** Process groups of timed children still running, so an interrupted benchmark can end them. */
const running = new Set();
/** Sandbox processes not stopped yet. */
const sandboxes = new Set();

/** Kills the children still running: timed ones by their process group, which only we started; sandboxes. */
export function killRunning() {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  running.clear();
  for (const child of sandboxes) child.kill('SIGKILL');
  sandboxes.clear();
}

/** The peak resident set (VmHWM) of process `pid` so far, in KB; undefined once it is gone. */
export function peakRssKb(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) process `pid` has used so far, from /proc (clock ticks of 1/100 s on Linux). */
export function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // After "pid (comm) ", utime and stime are the 12th and 13th fields.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The pid of the one child of `pid` (node under GNU time), or undefined. */
function childOf(pid) {
  try {
    return (
      Number(fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]) || undefined
    );
  } catch {
    return undefined;
  }
}

/**
 * Starts a sandbox process on 127.0.0.1, port 0, that keeps no request bodies (unless `keepLeads`: then it keeps
 * every lead and request, as a campaign would, for a night that compares with the campaign); resolves once it
 * listens.
 * @param {{latencyMs?: number, throttleRps?: number, keepLeads?: boolean, timeoutMs?: number}} options
 */
export async function startSandboxProcess({ latencyMs, throttleRps, keepLeads, timeoutMs = 30_000 } = {}) {
  const flags = [];
  if (keepLeads === true) flags.push('--keep-leads');
  if (latencyMs !== undefined) flags.push('--latency', String(latencyMs));
  if (throttleRps !== undefined) flags.push('--throttle', String(throttleRps));
  // bench/sandbox.js runs what `nlpearl-leads sandbox --no-record` runs (the CLI's runSandboxCommand with
  // record: false), and also exits when its stdin pipe closes, that is when this process dies, whatever the
  // cause (even SIGKILL): a benchmark must not leave servers behind.
  const args = [path.join(ROOT, 'bench/sandbox.js'), '--dist', dist, ...flags];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  sandboxes.add(child);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  void exited.then(() => sandboxes.delete(child));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr = (stderr + text).slice(-MAX_OUTPUT)));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  let url;
  try {
    url = await new Promise((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(
        () => reject(new Error(`the sandbox did not listen within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stdout.setEncoding('utf8').on('data', (text) => {
        stdout += text;
        const match = /listening on (\S+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the sandbox exited (${code}) before listening: ${stderr.trim()}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  if (new URL(url).hostname !== '127.0.0.1') {
    await stop();
    throw new Error(`the sandbox listens on ${url}, not 127.0.0.1`);
  }

  const control = async (method, name) => {
    const response = await fetch(`${url}/_sandbox/${name}`, { method, signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`${method} /_sandbox/${name}: HTTP ${response.status}`);
    return response.status === 204 ? undefined : response.json();
  };
  return {
    url,
    command: 'node bench/sandbox.js (= nlpearl-leads sandbox --no-record)',
    pid: child.pid,
    cpuSeconds: () => cpuSeconds(child.pid),
    /** @returns {Promise<{requests: number, created: number, byStatus: Record<string, number>, maxPerSecond: number}>} */
    stats: () => control('GET', 'stats'),
    reset: () => control('POST', 'reset'),
    stop,
  };
}

/**
 * Runs `node <args>` under GNU time and waits for it, killing its process group after `timeoutMs`. `onTick`,
 * if given, is called every `tickMs` with the node process's pid while it runs.
 * @returns {Promise<{code: number | null, stdout: string, stderr: string, wallS: number, userS: number, sysS: number, maxRssKb: number}>}
 */
export async function runTimed(args, { env = process.env, timeoutMs, timeFile, onTick, tickMs = 1000 }) {
  const child = spawn(TIME, ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
    // Its own process group, so a timeout kills node too, not only `time`.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text) => (stdout = (stdout + text).slice(-MAX_OUTPUT)));
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr = (stderr + text).slice(-MAX_OUTPUT)));
  running.add(child.pid);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    process.kill(-child.pid, 'SIGKILL');
  }, timeoutMs);
  const ticker =
    onTick === undefined
      ? undefined
      : setInterval(() => {
          const pid = childOf(child.pid);
          if (pid !== undefined) void Promise.resolve(onTick(pid)).catch(() => {});
        }, tickMs);
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve(status));
  }).finally(() => {
    clearTimeout(timer);
    clearInterval(ticker);
    running.delete(child.pid);
  });
  if (timedOut) throw new Error(`node ${args.join(' ')} did not finish within ${timeoutMs / 1000} s`);
  // GNU time writes "Command exited with non-zero status n" first when the command fails; the figures are last.
  const figures = fs.readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  if (figures.length !== 4 || figures.some(Number.isNaN)) throw new Error(`cannot read ${timeFile}`);
  const [wallS, userS, sysS, maxRssKb] = figures;
  return { code, stdout, stderr, wallS, userS, sysS, maxRssKb };
}

/**
 * Runs the importer as a user would, against the sandbox at `url`, with every default on: `ledger` is the
 * ledger file (never the machine's own default one), or 'off'. `command` 'validate' checks the file only.
 */
export function runImporter({
  csv,
  url,
  concurrency,
  rate,
  results,
  ledger,
  command = 'import',
  timeoutMs,
  timeFile,
  onTick,
}) {
  const args = [distFile('bin.js'), command, csv, '--outbound', 'sandbox-outbound'];
  if (command === 'import') args.push('--api-url', url, '--concurrency', String(concurrency));
  args.push('--results', results, '--overwrite', '--log-level', 'warn');
  if (rate !== undefined) args.push('--rate', String(rate));
  const env = { ...process.env, NLPEARL_API_TOKEN: 'sandbox-account:sandbox-secret', NLPEARL_LEDGER: ledger };
  return runTimed(args, { env, timeoutMs, timeFile, onTick });
}

/** Runs bench/plain-loop.js against the sandbox at `url`. */
export function runPlainLoop({ url, rows, concurrency, timeoutMs, timeFile }) {
  const args = [path.join(ROOT, 'bench/plain-loop.js'), '--url', url, '--rows', String(rows)];
  args.push('--concurrency', String(concurrency));
  return runTimed(args, { timeoutMs, timeFile });
}
