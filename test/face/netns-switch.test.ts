/**
 * One process, faces in two other namespaces (what a shared router process does): frames
 * cross the veth between them, the link watcher sees the carrier of its own namespace, and
 * the process always comes back to its own.
 */
import assert from 'node:assert/strict';
import { Netns, openFace, watchLinks, interfaceState, listInterfaces, type RawFace, type LinkStateWatcher } from '../../src/face/index.js';
import { LabError } from '../../src/util/errors.js';
import { createVethPair, ipIn, type VethPair } from './netns.js';

const until = async (what: string, ok: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('face: one process, faces in other namespaces (shared router processes) @netns', function () {
  let pair: VethPair;
  let a: Netns, b: Netns;
  const faces: RawFace[] = [];
  let watcher: LinkStateWatcher | undefined;
  before(function () {
    pair = createVethPair('s');
    a = new Netns(`/run/netns/${pair.nsA}`);
    b = new Netns(`/run/netns/${pair.nsB}`);
  });
  after(function () {
    watcher?.close();
    for (const f of faces) f.close();
    a?.close();
    b?.close();
    pair?.destroy();
  });

  it('reads each namespace\'s own interfaces, and comes back home even when the work throws', function () {
    const home = listInterfaces();
    assert.deepEqual(a.run(() => listInterfaces()).sort(), ['eth1', 'lo']);
    assert.equal(a.run(() => interfaceState('eth1')).ifindex, 1001);
    assert.equal(b.run(() => interfaceState('eth1')).ifindex, 1002);
    assert.throws(() => a.run(() => interfaceState('eth9')), /eth9 does not exist/);
    assert.deepEqual(listInterfaces(), home);
    assert.notEqual(a.inode, b.inode);
  });

  it('carries frames between faces opened in the two namespaces', async function () {
    const fa = a.run(() => openFace('eth1'));
    const fb = b.run(() => openFace('eth1'));
    faces.push(fa, fb);
    const got: string[] = [];
    fb.onReceive((p) => got.push(Buffer.from(p).toString()));
    fa.onReceive((p) => got.push('a:' + Buffer.from(p).toString()));
    await until('eth1 up in both', () => a.run(() => interfaceState('eth1')).up && b.run(() => interfaceState('eth1')).up);
    for (let i = 0; i < 3; i++) fa.send(new TextEncoder().encode(`hello ${i}`));
    fb.send(new TextEncoder().encode('back'));
    await until('4 frames', () => got.length >= 4);
    assert.deepEqual(got.sort(), ['a:back', 'hello 0', 'hello 1', 'hello 2']);
  });

  it('watches the carrier of the namespace it was opened for', async function () {
    watcher = watchLinks(b.within);
    assert.equal(watcher.isUp('eth1'), true);
    const seen: [string, boolean][] = [];
    watcher.onChange((i, up) => seen.push([i, up]));
    ipIn(pair.nsA, 'link', 'set', 'eth1', 'down');
    await until('carrier loss at B', () => seen.length >= 1);
    ipIn(pair.nsA, 'link', 'set', 'eth1', 'up');
    await until('carrier back at B', () => seen.length >= 2);
    assert.deepEqual(seen, [['eth1', false], ['eth1', true]]);
  });

  it('names a namespace it cannot open', function () {
    assert.throws(() => new Netns('/proc/999999999/ns/net'), (e: unknown) => e instanceof LabError && e.code === 'NETNS_OPEN' && /999999999/.test(e.message));
  });
});
