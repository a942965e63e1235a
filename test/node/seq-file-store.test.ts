/**
 * The file sequence store, and sequence continuity across a restart where the wall clock
 * cannot mask a broken store: the clock is set back, or the store holds a value ahead of it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSeqStore } from '../../src/node/seq-file-store.js';
import { SequenceSource } from '../../src/routing/index.js';

describe('node: file sequence store', () => {
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'damc-seq-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the last number across instances (a restart), as one decimal line', () => {
    const a = new FileSeqStore(join(dir, 'state'));
    assert.equal(a.load(), undefined, 'nothing yet');
    a.save(12345678901234567890n);
    assert.equal(readFileSync(a.path, 'utf8'), '12345678901234567890\n');
    assert.equal(new FileSeqStore(join(dir, 'state')).load(), 12345678901234567890n);
  });

  it('reads garbage as no value, and a torn write (the .tmp file) leaves the old value', () => {
    const s = new FileSeqStore(dir);
    s.save(41n);
    writeFileSync(s.path + '.tmp', '9'); // a crash after the tmp write, before the rename
    assert.equal(new FileSeqStore(dir).load(), 41n);
    writeFileSync(s.path, 'not a number\n');
    assert.equal(new FileSeqStore(dir).load(), undefined);
  });

  it('continues after a restart with the clock set back: one above the last number, not the clock', () => {
    let clock = 1_800_000_000_000;
    const first = new SequenceSource(new FileSeqStore(dir), () => clock);
    const seqs = [first.next(), first.next(), first.next()];
    assert.deepEqual(seqs, [1_800_000_000_000n, 1_800_000_000_001n, 1_800_000_000_002n]);
    clock = 1_700_000_000_000; // NTP stepped the clock back 3 years while we were down
    const again = new SequenceSource(new FileSeqStore(dir), () => clock);
    assert.equal(again.current, 1_800_000_000_002n);
    assert.equal(again.next(), 1_800_000_000_003n);
  });

  it('continues from a stored value ahead of the clock (a jump above a newer copy of our LSA)', () => {
    const clock = () => 1_800_000_000_000;
    const s = new SequenceSource(new FileSeqStore(dir), clock);
    s.next();
    s.jumpAbove(5_000_000_000_000n); // a neighbor flooded an own LSA from a past life with this
    const restarted = new SequenceSource(new FileSeqStore(dir), clock);
    assert.equal(restarted.next(), 5_000_000_000_001n, 'the stored value wins over the clock');
  });
});
