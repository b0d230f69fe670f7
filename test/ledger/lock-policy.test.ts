import { describe, expect, it } from 'vitest';
import { lockStaleness, processIsAlive } from '../../src/ledger/lock-policy.js';

const held = (pid: number, host: string, heartbeatAt: string) => ({
  outbound: 'o',
  pid,
  host,
  startedAt: new Date('2025-01-01T00:00:00.000Z'),
  heartbeatAt: new Date(heartbeatAt),
});
const here = { host: 'this-host', now: new Date('2025-01-01T01:00:00.000Z'), staleMs: 120_000 };

describe('lock staleness', () => {
  it('a live holder with a recent heartbeat holds', () => {
    expect(lockStaleness(held(10, 'this-host', '2025-01-01T00:59:00.000Z'), here, () => true)).toEqual({
      stale: false,
    });
  });

  it('a holder whose process is gone from this host is stale at once', () => {
    expect(lockStaleness(held(10, 'this-host', '2025-01-01T00:59:59.000Z'), here, () => false)).toEqual({
      stale: true,
      reason: 'its process 10 is gone',
    });
  });

  it('a pid on another host is not looked at: only its heartbeat counts', () => {
    const alive = () => {
      throw new Error('not to be asked');
    };
    expect(lockStaleness(held(10, 'other-host', '2025-01-01T00:58:30.000Z'), here, alive)).toEqual({
      stale: false,
    });
    expect(lockStaleness(held(10, 'other-host', '2025-01-01T00:57:59.000Z'), here, alive)).toEqual({
      stale: true,
      reason: 'no heartbeat since 2025-01-01T00:57:59.000Z',
    });
  });

  it('knows a live process from a gone one', () => {
    expect(processIsAlive(process.pid)).toBe(true);
    expect(processIsAlive(2 ** 22 + 12_345)).toBe(false);
  });
});
