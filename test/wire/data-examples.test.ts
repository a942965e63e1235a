/** PROTOCOL.md section 6.1's hex examples are exactly what the codec writes and reads. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode, type DataResponse } from '../../src/wire/index.js';
import { dataExamples } from './data-examples.js';
import { ethernetFrame, pcapFile } from './pcap.js';

const doc = readFileSync(new URL('../../../src/wire/PROTOCOL.md', import.meta.url), 'utf8');

describe('wire: data-plane transport fields (Responder, Ack)', () => {
  const found = new Map<string, string>();
  for (const m of doc.matchAll(/<!-- data-example: ([a-z-]+) -->\s*```hex\n([0-9a-f \n]+)```/g)) found.set(m[1]!, m[2]!.replace(/\s+/g, ''));

  for (const [name, msg] of Object.entries(dataExamples)) {
    it(`${name}: documented hex = encoding, and decodes back`, () => {
      const hex = found.get(name);
      assert.ok(hex, `no data-example ${name} in PROTOCOL.md`);
      assert.equal(Buffer.from(encode(msg)).toString('hex'), hex);
      assert.deepEqual(decode(Buffer.from(hex, 'hex')), msg);
    });
  }

  it('an unknown odd field where Ack sits is refused (critical); an unknown even one where Responder sits is skipped', () => {
    const bytes = Buffer.from(encode(dataExamples['request-ack']!));
    const at = (t: number, len: number) => bytes.findIndex((b, i) => b === t && bytes[i + 1] === len);
    const crit = Buffer.from(bytes);
    crit[at(0x67, 6)] = 0x69;
    assert.throws(() => decode(crit), { code: 'unknown-critical-type' });
    const skip = Buffer.from(bytes);
    skip[at(0x66, 0x13)] = 0x6c;
    const m = decode(skip);
    assert.ok(m.type === 'response' && m.responder === undefined && m.ack?.below === 2);
  });

  it('an Ack inside a nack is refused', () => {
    const ack = dataExamples['request-ack'] as DataResponse;
    const nack = encode({ type: 'nack', name: ack.name, requester: ack.requester, requestId: 1n, reason: 'no-route', hopLimit: 3, reporter: ack.requester });
    const extra = Buffer.from([0x67, 0x03, 0x68, 0x01, 0x00]);
    const b = Buffer.concat([Buffer.from(nack), extra]);
    b[2] = b[2]! + extra.length; // message length (one byte: short message)
    assert.throws(() => decode(b), { code: 'unknown-critical-type' });
  });
});

describe('wire: data-plane transport fields in the Wireshark dissector @tshark', function () {
  this.timeout(60_000);
  it('shows Responder, Ack, AckBelow and AckBits by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'damc-wire-data-'));
    try {
      const pcap = join(dir, 'data.pcap');
      writeFileSync(pcap, pcapFile(Object.values(dataExamples).map((m) => ethernetFrame(encode(m)))));
      const script = fileURLToPath(new URL('../../../scripts/wireshark/damc.lua', import.meta.url));
      const out = execFileSync('tshark', ['-X', `lua_script:${script}`, '-r', pcap, '-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const frames = out.split(/^Frame \d+:/m).slice(1);
      assert.equal(frames.length, 3);
      assert.ok(frames[0]!.includes('Responder: /damc/router/sg4') && frames[0]!.includes('Status: 200'), frames[0]);
      for (const s of ['Ack', 'Ack Below: 2', 'Ack Bits: 05', 'Responder: /damc/router/sg4']) assert.ok(frames[1]!.includes(s), `request-ack lacks "${s}":\n${frames[1]}`);
      assert.ok(frames[2]!.includes('Ack Below: 3') && frames[2]!.includes('Name: /damc/router/sg4'), frames[2]);
      assert.ok(!/Lua Error|Malformed|Unknown TLV/.test(out), out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
