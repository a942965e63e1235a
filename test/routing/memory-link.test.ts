import assert from 'node:assert/strict';
import { MemoryLink, MemoryLinkWatcher } from '../../src/face/memory-link.js';
import { VirtualScheduler } from '../../src/routing/index.js';

describe('face: memory link in virtual time', () => {
  function pair(o: { delayMs?: number; loss?: number } = {}) {
    const sched = new VirtualScheduler();
    const wa = new MemoryLinkWatcher(), wb = new MemoryLinkWatcher();
    let seed = 7;
    const link = new MemoryLink({ ifname: 'eth1', watcher: wa }, { ifname: 'eth2', watcher: wb }, {
      scheduler: sched, random: () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32), ...o,
    });
    const got: { at: number; bytes: number[] }[] = [];
    link.b.onReceive((p) => got.push({ at: sched.now(), bytes: [...p] }));
    return { sched, link, got, wa, wb };
  }

  it('delivers a copy of the bytes after the delay, never to the sender', () => {
    const { sched, link, got } = pair({ delayMs: 5 });
    let echoed = 0;
    link.a.onReceive(() => echoed++);
    const buf = Uint8Array.from([1, 2, 3]);
    const t0 = sched.now();
    assert.equal(link.a.send(buf), true);
    buf[0] = 9; // the sender may reuse its buffer
    sched.advance(4);
    assert.equal(got.length, 0);
    sched.advance(1);
    assert.deepEqual(got, [{ at: t0 + 5, bytes: [1, 2, 3] }]);
    assert.equal(echoed, 0);
    assert.deepEqual([link.a.counters().txFrames, link.b.counters().rxFrames, link.b.counters().rxBytes], [1, 1, 3]);
  });

  it('loses about the configured share of frames, and all of them at loss 1 (one direction)', () => {
    const { sched, link, got } = pair({ loss: 0.3 });
    for (let i = 0; i < 1000; i++) link.a.send(Uint8Array.of(i & 0xff));
    sched.advance(10);
    assert.ok(got.length > 620 && got.length < 780, `${got.length} of 1000 arrived`);
    link.setLoss(1, 'a->b');
    let back = 0;
    link.a.onReceive(() => back++);
    link.a.send(Uint8Array.of(1));
    link.b.send(Uint8Array.of(2));
    sched.advance(10);
    assert.equal(back, 1, 'b->a still works');
  });

  it('carrier down: watchers of both ends hear it, sends fail, frames in flight are lost', () => {
    const { sched, link, got, wa, wb } = pair({ delayMs: 5 });
    const events: string[] = [];
    wa.onChange((i, up) => events.push(`${i} ${up}`));
    wb.onChange((i, up) => events.push(`${i} ${up}`));
    link.a.send(Uint8Array.of(1));
    link.setUp(false);
    assert.equal(link.a.send(Uint8Array.of(2)), false);
    sched.advance(10);
    assert.equal(got.length, 0);
    assert.equal(link.a.counters().txErrors, 1);
    link.setUp(true);
    assert.deepEqual(events, ['eth1 false', 'eth2 false', 'eth1 true', 'eth2 true']);
    assert.equal(link.a.send(new Uint8Array(1501)), false, 'larger than the MTU');
  });
});
