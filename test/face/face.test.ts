/**
 * The real face between two network namespaces joined by a veth. Each side is a separate
 * Node process (face-worker) inside its namespace; everything is created per suite and
 * removed in after() hooks, also when a test fails.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createVethPair, ipIn, Worker, type VethPair } from './netns.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls the worker's counters until `done` holds (or gives up after `ms`). */
async function until(w: Worker, done: (c: Record<string, unknown>) => boolean, ms = 10_000): Promise<Record<string, unknown>> {
  const end = Date.now() + ms;
  for (;;) {
    const c = await w.call({ cmd: 'counters' });
    if (done(c) || Date.now() > end) return c;
    await sleep(50);
  }
}

// The V2 ring has fixed slots (16 KiB at this suite's 9000-byte MTU): 16 MiB holds 1024 frames, room for its bursts.
for (const [mode, ringOpts] of [['recvmmsg', {}], ['TPACKET_V3 ring', { rxRingBytes: 4 << 20 }], ['TPACKET_V2 frame ring', { rxFrameRingBytes: 16 << 20 }]] as const)
describe(`face (${mode}): frames over a veth between two namespaces @netns`, function () {
  let pair: VethPair;
  let a: Worker;
  let b: Worker;
  let macA = '';
  let macB = '';

  before(async function () {
    pair = createVethPair('f', 9000);
    a = new Worker(pair.nsA);
    b = new Worker(pair.nsB);
    macA = String((await a.call({ cmd: 'open', ifname: 'eth1', opts: ringOpts })).mac);
    macB = String((await b.call({ cmd: 'open', ifname: 'eth1', opts: ringOpts })).mac);
  });

  after(function () {
    a?.kill();
    b?.kill();
    pair?.destroy();
  });

  it('carries a 9000-byte payload on a 9000-MTU veth intact, both directions', async function () {
    await b.call({ cmd: 'collect', on: true });
    await a.call({ cmd: 'collect', on: true });
    const toB = await a.call({ cmd: 'sendPattern', size: 9000, seq: 7 });
    assert.equal(toB.ok, true);
    const gotB = await b.nextEvent((e) => e.event === 'frame' && e.len === 9000, 5000, '9000-byte frame at B');
    assert.equal(gotB.sha256, toB.sha256);
    const toA = await b.call({ cmd: 'sendPattern', size: 9000, seq: 8 });
    const gotA = await a.nextEvent((e) => e.event === 'frame' && e.len === 9000, 5000, '9000-byte frame at A');
    assert.equal(gotA.sha256, toA.sha256);
    assert.notEqual(gotA.sha256, gotB.sha256);
    // The source address handed to the receiver is the sender's MAC.
    assert.equal(gotB.src, macA);
    assert.equal(gotA.src, macB);
  });

  it('hands out payloads that stay intact after later batches arrive', async function () {
    await b.call({ cmd: 'reset' });
    await b.call({ cmd: 'collect', on: true });
    const { kept: before } = (await b.call({ cmd: 'verifyKept' })) as { kept: number };
    await a.call({ cmd: 'collect', on: false });
    await a.call({ cmd: 'burst', count: 300, size: 1000, batch: 50 });
    await until(b, (c) => c.received === 300);
    const v = await b.call({ cmd: 'verifyKept' });
    assert.equal(v.kept, before + 300);
    assert.equal(v.changed, 0);
  });

  it('refuses a payload larger than the MTU and counts it as a tx error', async function () {
    const before = (await a.call({ cmd: 'counters' })).counters as { txErrors: number };
    const r = await a.call({ cmd: 'sendPattern', size: 9001 });
    assert.equal(r.ok, false);
    const after = (await a.call({ cmd: 'counters' })).counters as { txErrors: number };
    assert.equal(after.txErrors, before.txErrors + 1);
  });

  it('never hands a face its own transmissions', async function () {
    await a.call({ cmd: 'reset' });
    await b.call({ cmd: 'reset' });
    for (let i = 0; i < 20; i++) await a.call({ cmd: 'sendPattern', size: 64, seq: i });
    const atB = await until(b, (c) => c.received === 20);
    assert.equal(atB.received, 20);
    // One frame the other way: once A has it, anything A sent earlier would have arrived too.
    await b.call({ cmd: 'sendPattern', size: 64, seq: 99 });
    const atA = await until(a, (c) => c.received === 1);
    await sleep(100);
    assert.equal((await a.call({ cmd: 'counters' })).received, 1);
    assert.equal((atA.counters as { rxOwnFiltered: number }).rxOwnFiltered, 0, 'kernel filter (PACKET_IGNORE_OUTGOING) did the work');
  });

  it('does not deliver frames of other EtherTypes', async function () {
    await b.call({ cmd: 'reset' });
    for (const etherType of [0x0800, 0x86dd, 0x88b6, 0x88cc]) {
      assert.equal((await a.call({ cmd: 'sendForeign', ifname: 'eth1', etherType })).ok, true);
    }
    await a.call({ cmd: 'sendPattern', size: 64, seq: 1 }); // the one DAMC frame, sent last
    await until(b, (c) => c.received === 1);
    await sleep(100);
    assert.equal((await b.call({ cmd: 'counters' })).received, 1);
  });

  it('never counts frames it then drops as received (a face nobody listens to)', async function () {
    await b.call({ cmd: 'openBare', ifname: 'eth1' });
    for (let i = 0; i < 5; i++) await a.call({ cmd: 'sendPattern', size: 64, seq: i });
    const c = await until(b, (x) => ((x.bare as { rxDropped: number } | null)?.rxDropped ?? 0) >= 5);
    const bare = c.bare as { rxFrames: number; rxBytes: number; rxDropped: number };
    assert.deepEqual([bare.rxFrames, bare.rxBytes, bare.rxDropped], [0, 0, 5]);
  });

  it('refuses a send batch whose arrays have the wrong element type', async function () {
    const r = await a.call({ cmd: 'sendBatchTypes', ifname: 'eth1' });
    assert.deepEqual(r.errors, ['sendBatch: lens must be a Uint32Array', 'sendBatch: lens must be a Uint32Array', 'sendBatch: buf must be a Uint8Array', 'sendBatch: lens must be a Uint32Array']);
    assert.equal(r.ok, 1, 'the right types still send');
  });

  it('lets the process exit once its face is closed', async function () {
    const w = new Worker(pair.nsA);
    try {
      await w.call({ cmd: 'open', ifname: 'eth1', opts: ringOpts });
      w.child.stdin.end(); // the worker closes its face and does nothing else
      for (let i = 0; i < 100 && w.exited === undefined; i++) await sleep(50);
      assert.deepEqual(w.exited, { code: 0, signal: null });
    } finally {
      w.kill();
    }
  });
});

describe('face: errors a user can act on @netns', function () {
  let pair: VethPair;
  let a: Worker;
  before(function () {
    pair = createVethPair('e');
    a = new Worker(pair.nsA);
  });
  after(function () {
    a?.kill();
    pair?.destroy();
  });

  it('names a missing interface and lists the existing ones', async function () {
    await assert.rejects(a.call({ cmd: 'open', ifname: 'eth9' }), (e: Error) => {
      assert.match(e.message, /FACE_NO_INTERFACE/);
      assert.match(e.message, /eth9 does not exist/);
      assert.match(e.message, /interfaces here are: .*lo.*eth1|interfaces here are: .*eth1.*lo/);
      return true;
    });
  });

  it('says that CAP_NET_RAW is needed when it is missing', function () {
    const code = `import('${fileURLToPath(new URL('../../src/face/index.js', import.meta.url))}').then((f) => {
      try { f.openFace('lo'); console.log('opened'); } catch (e) { console.log(e.code + ' ' + e.message + ' / ' + e.hint); }
    })`;
    const r = spawnSync(process.execPath, ['-e', code], { uid: 65534, gid: 65534, encoding: 'utf8' });
    assert.match(r.stdout, /^FACE_PERMISSION .*lo.*CAP_NET_RAW/);
  });
});

describe('face: link watcher @netns', function () {
  let pair: VethPair;
  let a: Worker;
  let b: Worker;
  before(function () {
    pair = createVethPair('l');
    a = new Worker(pair.nsA);
    b = new Worker(pair.nsB);
  });
  after(function () {
    a?.kill();
    b?.kill();
    pair?.destroy();
  });

  it('reports carrier loss on the peer end and on the own end, then recovery', async function () {
    // A veth that was just set up may take a moment to show its carrier.
    for (const w of [a, b]) {
      if ((await w.call({ cmd: 'watch', ifname: 'eth1' })).up !== true) {
        await w.nextEvent((e) => e.event === 'link' && e.ifname === 'eth1' && e.up === true, 5000, 'initial carrier');
      }
    }
    const seen = [a.events.length, b.events.length];
    const t0 = Date.now();
    ipIn(pair.nsA, 'link', 'set', 'eth1', 'down');
    const lostB = await b.nextEvent((e) => e.event === 'link' && e.ifname === 'eth1' && e.up === false, 5000, 'carrier loss at B');
    const downA = await a.nextEvent((e) => e.event === 'link' && e.ifname === 'eth1' && e.up === false, 5000, 'link down at A');
    console.log(`      reported ${Number(downA.at) - t0} ms (A) and ${Number(lostB.at) - t0} ms (B) after starting \`ip link set eth1 down\` in A`);
    ipIn(pair.nsA, 'link', 'set', 'eth1', 'up');
    await b.nextEvent((e) => e.event === 'link' && e.ifname === 'eth1' && e.up === true, 5000, 'carrier back at B');
    await a.nextEvent((e) => e.event === 'link' && e.ifname === 'eth1' && e.up === true, 5000, 'link up at A');
    // Only changes are reported: exactly down, up on each side.
    [a, b].forEach((w, i) =>
      assert.deepEqual(w.events.slice(seen[i]).filter((e) => e.event === 'link').map((e) => e.up), [false, true]),
    );
  });

  it('counts sends on a downed link as tx errors, and carries frames again after the flap', async function () {
    await a.call({ cmd: 'open', ifname: 'eth1' });
    await b.call({ cmd: 'open', ifname: 'eth1' });
    ipIn(pair.nsA, 'link', 'set', 'eth1', 'down');
    await a.nextEvent((e) => e.event === 'link' && e.up === false && Number(e.at) > 0 && a.events.filter((x) => x.up === false).length >= 2, 5000, 'second down at A');
    await a.call({ cmd: 'sendPattern', size: 64, seq: 1 });
    const down = (await until(a, (c) => (c.counters as { txErrors: number }).txErrors >= 1)).counters as { txErrors: number; lastTxErrno: number };
    assert.equal(down.txErrors, 1);
    assert.equal(down.lastTxErrno, 100, 'ENETDOWN');
    ipIn(pair.nsA, 'link', 'set', 'eth1', 'up');
    await b.nextEvent((e) => e.event === 'link' && e.up === true && b.events.filter((x) => x.up === true).length >= 2, 5000, 'carrier back at B');
    await a.call({ cmd: 'sendPattern', size: 64, seq: 2 });
    assert.equal((await until(b, (c) => c.received === 1)).received, 1);
    await b.call({ cmd: 'sendPattern', size: 64, seq: 3 });
    assert.equal((await until(a, (c) => c.received === 1)).received, 1);
  });
});

describe('face: a 1,000,000-frame burst at full send rate @netns', function () {
  this.timeout(60_000);
  let pair: VethPair;
  let a: Worker;
  let b: Worker;
  before(async function () {
    pair = createVethPair('burst');
    a = new Worker(pair.nsA);
    b = new Worker(pair.nsB);
    await a.call({ cmd: 'open', ifname: 'eth1' });
    await b.call({ cmd: 'open', ifname: 'eth1' });
  });
  after(function () {
    a?.kill();
    b?.kill();
    pair?.destroy();
  });

  it('is survived by the receiver, in order, without duplicates or corruption, and received + counted kernel drops account for what was sent', async function () {
    await b.call({ cmd: 'checkSeq', on: true });
    const r = await a.call({ cmd: 'burst', count: 1_000_000, size: 100 });
    const sent = (r.counters as { txFrames: number }).txFrames;
    assert.ok(sent >= 990_000, `sender pushed ${sent} frames`);
    let prev = -1;
    let c: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      c = await b.call({ cmd: 'counters' });
      if (c.received === prev) break;
      prev = Number(c.received);
      await sleep(200);
    }
    assert.equal(b.exited, undefined, `receiver died: ${b.stderr}`);
    const k = c.counters as { rxFrames: number; rxKernelDrops: number };
    console.log(`      sent ${sent}, received ${k.rxFrames}, kernel drops ${k.rxKernelDrops}`);
    assert.ok(k.rxFrames <= sent);
    assert.ok(k.rxFrames + k.rxKernelDrops >= 0.99 * sent, `rx ${k.rxFrames} + drops ${k.rxKernelDrops} of ${sent}`);
    assert.equal(c.badSeq, 0);
    // Every frame carries its sequence number and a pattern derived from it (face-worker).
    const s = c.seq as { distinct: number; outOfOrder: number; corrupt: number; last: number };
    assert.deepEqual([s.outOfOrder, s.corrupt], [0, 0], 'frames reordered or duplicated, or corrupted');
    assert.equal(s.distinct, k.rxFrames, 'every frame received is a distinct sequence number');
    assert.ok(s.last < 1_000_000);
  });
});
