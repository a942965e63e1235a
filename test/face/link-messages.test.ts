/**
 * The link monitor's netlink parser (the addon's own code, through parseLinkMessages) on
 * messages the kernel would never send: every length is checked, nothing is read past them.
 */
import assert from 'node:assert/strict';
import { native } from '../../src/face/native-binding.js';

const RTM_NEWLINK = 16, RTM_DELLINK = 17, IFLA_IFNAME = 3, IFLA_MTU = 4;

function attr(type: number, data: Uint8Array, len = 4 + data.length): Uint8Array {
  const out = new Uint8Array((4 + data.length + 3) & ~3);
  const v = new DataView(out.buffer);
  v.setUint16(0, len, true);
  v.setUint16(2, type, true);
  out.set(data, 4);
  return out;
}

/** nlmsghdr (16) + ifinfomsg (16) + attributes; `len` overrides nlmsg_len. */
function linkMsg(o: { type?: number; index?: number; flags?: number; attrs?: Uint8Array[]; len?: number }): Uint8Array {
  const attrs = o.attrs ?? [];
  const body = attrs.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(32 + body);
  const v = new DataView(out.buffer);
  v.setUint32(0, o.len ?? out.length, true);
  v.setUint16(4, o.type ?? RTM_NEWLINK, true);
  v.setInt32(20, o.index ?? 7, true);
  v.setUint32(24, o.flags ?? 0x11043, true);
  let off = 32;
  for (const a of attrs) (out.set(a, off), (off += a.length));
  return out;
}

const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const text = (s: string) => new TextEncoder().encode(s);
const parse = (b: Uint8Array) => native().parseLinkMessages(b);

describe('face: link monitor parser on malformed netlink', () => {
  it('reads well-formed link messages', () => {
    const b = cat(linkMsg({ attrs: [attr(IFLA_MTU, Uint8Array.of(0xdc, 5, 0, 0)), attr(IFLA_IFNAME, text('eth1\0'))] }), linkMsg({ type: RTM_DELLINK, index: 9, attrs: [attr(IFLA_IFNAME, text('eth2\0'))] }));
    assert.deepEqual(parse(b), [['eth1', 0x11043, 7, false], ['eth2', 0x11043, 9, true]]);
  });

  it('skips a message too short for its ifinfomsg, and one whose name attribute overruns it', () => {
    const short = linkMsg({ attrs: [attr(IFLA_IFNAME, text('eth1\0'))], len: 24 }); // header says 24: no room for ifinfomsg
    assert.deepEqual(parse(cat(short.subarray(0, 24))), []);
    const overrun = linkMsg({ attrs: [attr(IFLA_IFNAME, text('eth1\0'), 200)] }); // rta_len past the message
    assert.deepEqual(parse(overrun), []);
    const good = linkMsg({ index: 3, attrs: [attr(IFLA_IFNAME, text('eth3\0'))] });
    assert.deepEqual(parse(cat(overrun, good)), [['eth3', 0x11043, 3, false]], 'the next message is still read');
  });

  it('reads a name without its NUL only within its attribute', () => {
    const b = linkMsg({ attrs: [attr(IFLA_IFNAME, text('eth9')), attr(IFLA_MTU, text('XXXX'))] });
    assert.deepEqual(parse(b), [['eth9', 0x11043, 7, false]]);
    assert.deepEqual(parse(linkMsg({ attrs: [attr(IFLA_IFNAME, new Uint8Array())] })), [], 'an empty name is no event');
  });

  it('stops at a header that claims more than is left, keeping what came before', () => {
    const good = linkMsg({ attrs: [attr(IFLA_IFNAME, text('eth1\0'))] });
    const liar = linkMsg({ attrs: [attr(IFLA_IFNAME, text('eth2\0'))], len: 4096 });
    assert.deepEqual(parse(cat(good, liar)), [['eth1', 0x11043, 7, false]]);
  });

  it('survives 20,000 random and cut messages', () => {
    let seed = 1;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const base = cat(linkMsg({ attrs: [attr(IFLA_IFNAME, text('eth1\0'))] }), linkMsg({ attrs: [attr(IFLA_IFNAME, text('eth2\0'))] }));
    for (let i = 0; i < 20_000; i++) {
      const b = i % 2 ? base.slice(0, Math.floor(rnd() * base.length)) : base.slice();
      for (let k = 0; k < 3; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      for (const [name] of parse(b)) assert.ok(name.length > 0 && name.length <= 16);
    }
    assert.throws(() => native().parseLinkMessages([1, 2] as unknown as Uint8Array), TypeError);
  });
});
