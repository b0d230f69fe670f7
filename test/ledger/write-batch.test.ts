import { describe, expect, it } from 'vitest';
import { createWriteBatcher, type Settled } from '../../src/ledger/write-batch.js';

/** A batcher whose commits are recorded; an op "fail:…" fails alone, a batch holding "boom" fails whole. */
function recorded() {
  const commits: string[][] = [];
  const batcher = createWriteBatcher<string, string>((ops) => {
    if (ops.includes('boom')) throw new Error('disk full');
    commits.push([...ops]);
    return ops.map((op): Settled<string> =>
      op.startsWith('fail:') ? { ok: false, error: new Error(op) } : { ok: true, value: op.toUpperCase() },
    );
  });
  return { commits, batcher };
}

describe('write batcher', () => {
  it('commits the writes of one turn once, in order, and resolves each with its result', async () => {
    const { commits, batcher } = recorded();
    const ops = Array.from({ length: 32 }, (_, index) => `row-${index}`);
    const results = await Promise.all(ops.map((op) => batcher.add(op)));
    expect(commits).toEqual([ops]);
    expect(results).toEqual(ops.map((op) => op.toUpperCase()));
  });

  it('gives each turn its own commit, and resolves nothing before it', async () => {
    const { commits, batcher } = recorded();
    let resolved = false;
    const first = batcher.add('a').then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(false);
    expect(batcher.pending).toBe(1);
    await first;
    await batcher.add('b');
    expect(commits).toEqual([['a'], ['b']]);
  });

  it('rejects a failed op alone, and the whole batch when the commit fails', async () => {
    const { commits, batcher } = recorded();
    const [good, bad] = [batcher.add('good'), batcher.add('fail:this one')];
    await expect(good).resolves.toBe('GOOD');
    await expect(bad).rejects.toThrow('fail:this one');
    const batch = [batcher.add('x'), batcher.add('boom')];
    for (const write of batch) await expect(write).rejects.toThrow('disk full');
    expect(commits).toEqual([['good', 'fail:this one']]);
  });

  it('drains: commits what is queued at once', async () => {
    const { commits, batcher } = recorded();
    const write = batcher.add('now');
    await batcher.drain();
    expect(commits).toEqual([['now']]);
    await write;
    await batcher.drain();
    expect(commits).toHaveLength(1);
  });
});

describe('write batcher with an asynchronous commit (a database server)', () => {
  it('gathers the writes of every turn that passes while a commit is out into the next commit', async () => {
    const commits: string[][] = [];
    let release: () => void = () => undefined;
    const batcher = createWriteBatcher<string, string>(async (ops) => {
      commits.push([...ops]);
      if (commits.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return ops.map((op): Settled<string> => ({ ok: true, value: op }));
    });
    const first = batcher.add('first');
    await new Promise((resolve) => setImmediate(resolve));
    expect(commits).toEqual([['first']]);
    // Three turns while the first commit is out: their writes wait, and then share one commit.
    const later: Promise<string>[] = [];
    for (const turn of ['a', 'b', 'c']) {
      later.push(batcher.add(turn));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(batcher.pending).toBe(3);
    release();
    expect(await Promise.all([first, ...later])).toEqual(['first', 'a', 'b', 'c']);
    expect(commits).toEqual([['first'], ['a', 'b', 'c']]);
  });
});
