import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/io.js';
import { handleStopSignals } from '../src/cli/signals.js';

function io() {
  const signals = new EventEmitter();
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exits: number[] = [];
  const value: CliIo = {
    stdout: new PassThrough(),
    stderr,
    stdin: new PassThrough(),
    env: {},
    signals,
    exitNow: ((code: number) => {
      exits.push(code);
    }) as (code: number) => never,
  };
  return { value, signals, exits, stderr: () => text };
}

describe('handleStopSignals', () => {
  it('stops gracefully on the first signal and quits on the second, flushing first', () => {
    const { value, signals, exits, stderr } = io();
    const order: string[] = [];
    const handle = handleStopSignals(value, () => order.push('flush'));
    expect(handle.signal.aborted).toBe(false);

    signals.emit('SIGTERM', 'SIGTERM');
    expect(handle.signal.aborted).toBe(true);
    expect(exits).toEqual([]);
    expect(stderr()).toContain('SIGTERM: stopping after the requests in flight (send it again to quit now)');

    signals.emit('SIGINT', 'SIGINT');
    expect(order).toEqual(['flush']);
    expect(exits).toEqual([3]);
    handle.dispose();
  });

  it('stops listening once disposed', () => {
    const { value, signals } = io();
    const handle = handleStopSignals(value, () => undefined);
    handle.dispose();
    expect(signals.listenerCount('SIGINT')).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });
});
