/**
 * The Wireshark dissector against the real encoder: a pcap with one frame of every message
 * (plus odd ones) goes through `tshark -X lua_script:scripts/wireshark/damc.lua -V`, and each
 * frame's dissection must name its message and show its key fields as PROTOCOL.md defines them.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode, Name, type MessageType } from '../../src/wire/index.js';
import { examples, extraExamples } from './examples.js';

const nExamples = Object.keys(examples).length;
const nExtra = Object.keys(extraExamples).length;
/** Index of the first hand-made frame after the examples. */
const base = nExamples + nExtra;
import { MUTATIONS, mutate, Rng } from './mutator.js';
import { ethernetFrame, pcapFile } from './pcap.js';

const script = fileURLToPath(new URL('../../../scripts/wireshark/damc.lua', import.meta.url));

/** What a person looks for in each message's dissection. */
const expected: Record<MessageType, string[]> = {
  hello: ['DAMC, Hello', 'Hello /damc/router/sr1 on eth1', 'Router: /damc/router/sr1', 'Interface: eth1', 'Hello Interval (ms): 1000', 'Dead Interval (ms): 4000', 'Name: /damc/router/sg1'],
  lsa: ['DAMC, LSA', 'LSA prefix /damc/router/sg1 seq=7', 'LSA Kind: prefix (2)', 'Origin: /damc/router/sg1', 'Sequence Number: 7', 'Lifetime (s): 3600', 'Remaining Lifetime (s): 3590', 'Name: /B', 'Cost: 0', 'Signature: 91c421e4'],
  'lsa-ack': ['DAMC, LSA Ack', 'LSA Header', 'Origin: /damc/router/sg1', 'Sequence Number: 7'],
  'db-summary': ['DAMC, DB Summary', 'LSA Kind: adjacency (1)', 'Sequence Number: 3', 'Last: true'],
  'lsa-request': ['DAMC, LSA Request', 'LSA Wanted', 'Origin: /damc/router/sr1'],
  'prefix-announcement': ['DAMC, Prefix Announcement', 'Action: announce (1)', 'Pod: /damc/pod/pod1', 'Name: /B', 'Timestamp (ms): 1700000000000', 'Public Key: '],
  'auth-request': ['DAMC, Auth Request', 'Request ID: 9', 'Gateway: /damc/router/sg1', 'Prefix Announcement', 'Pod: /damc/pod/pod1'],
  'auth-response': ['DAMC, Auth Response', 'Request ID: 9', 'Accepted: false', 'Reason: prefix-conflict (3)', 'Reason Text: /B is owned by pod2'],
  'qos-telemetry': ['DAMC, QoS Telemetry', 'Reporter: /damc/router/sg1', 'Target: /B/4', 'RTT (us): 850', 'Loss (ppm): 0', 'Error Rate (ppm): 1200', 'Healthy: true', 'Sample Count: 20'],
  'qos-policy': ['DAMC, QoS Policy', 'Policy Body (signed)', 'Signature: ', 'Origin: /damc/scsc', 'Policy Version: 5', 'Expires (ms): 1700000060000', 'Name: /B/4', 'Weight: 3'],
  request: ['DAMC, Request', 'Request /B/4/echo id=42 hop=32', 'Hop Limit: 32', 'Name: /B/4/echo', 'Requester: /damc/router/sg1', 'Request ID: 42', 'Segment Index: 0', 'Segment Count: 1', 'Payload: 6869'],
  response: ['DAMC, Response', 'Hop Limit: 30', 'Name: /B/4/echo', 'Request ID: 42', 'Status: 200'],
  'announcement-result': ['DAMC, Announcement Result', 'Announcement Result /damc/pod/pod1 accepted=false not-authorized /Z', 'Pod: /damc/pod/pod1', 'Accepted: false', 'Reason: not-authorized (2)', 'Reason Text: pod1 may not own /Z', 'Name: /Z'],
  nack: ['DAMC, Nack', 'Nack no-route /C/echo', 'Hop Limit: 31', 'Reason: no-route (1)', 'Reporter: /damc/router/sr1', 'Request ID: 43'],
};

function haveTshark(): boolean {
  return spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
}

describe('wire: Wireshark dissector @tshark', function () {
  this.timeout(60_000);
  let dir = '';
  let frames: string[] = [];

  before(() => {
    // Fails, never skips, without tshark (as the Docker suites fail without Docker): a skipped
    // dissector check looks like a passing one.
    assert.ok(haveTshark(), 'tshark is missing: run scripts/setup (it installs the tshark package)');
    dir = mkdtempSync(join(tmpdir(), 'damc-wire-'));
    const odd = Name.parse('/a%2Fb/%00/...');
    const payloads = [
      ...Object.values(examples).map(encode),
      ...Object.values(extraExamples).map(encode),
      // a name with escapes, 3-byte lengths and a 64-bit request id
      encode({ type: 'request', name: odd, requester: Name.parse('/g'), requestId: 2n ** 63n + 5n, hopLimit: 1, segIndex: 2, segCount: 3, payload: new Uint8Array(600) }),
      // an unknown skippable (0x50) and an unknown critical (0x51) field in a request
      withField(encode(examples.request), 0x50),
      withField(encode(examples.request), 0x51),
      Uint8Array.of(1, 0x10, 0x40, 0x15), // truncated
    ];
    const rng = new Rng(7);
    const corpus = payloads.slice(0, base);
    for (let i = 0; i < 300; i++) payloads.push(mutate(rng, corpus, MUTATIONS[i % MUTATIONS.length]!));
    const pcap = join(dir, 'damc.pcap');
    writeFileSync(pcap, pcapFile(payloads.map((p) => ethernetFrame(p))));
    const out = execFileSync('tshark', ['-X', `lua_script:${script}`, '-r', pcap, '-P', '-V'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'ignore'], // tshark warns about running as root on stderr
    });
    // With -P each frame starts with its summary line ("  1   0.000000 src → dst DAMC 73 Hello …").
    frames = out.split(/^(?= *\d+ +\d+\.\d{6} )/m).filter((f) => /^ *\d+ /.test(f));
    assert.equal(frames.length, payloads.length, 'tshark printed every frame');
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  Object.keys(examples).forEach((type, i) => {
    it(`${type}: names the message and shows its key fields`, () => {
      const text = frames[i]!;
      for (const s of expected[type as MessageType]) assert.ok(text.includes(s), `frame ${i + 1} (${type}) lacks "${s}":\n${text}`);
      assert.ok(!/Lua Error|Malformed/.test(text), text);
    });
  });

  it('shows grants (prefix, gateway, authority, expiry) and LSA part numbers', () => {
    const [accept, lsa, ack] = [frames[nExamples]!, frames[nExamples + 1]!, frames[nExamples + 2]!];
    for (const s of ['Accepted: true', 'Grant', 'Grant Body (signed)', 'Gateway: /damc/router/sg1', 'Authority: /damc/spa/spa1', 'Expires (ms): 1700000600000']) assert.ok(accept.includes(s), `${s}:\n${accept}`);
    for (const s of ['LSA prefix /damc/router/sg1 seq=8 part=1', 'LSA Part: 1', 'Authority: /damc/spa/spa1']) assert.ok(lsa.includes(s), `${s}:\n${lsa}`);
    assert.ok(ack.includes('LSA Part: 1'), ack);
    for (const f of [accept, lsa, ack]) assert.ok(!/Lua Error|Malformed|Unknown TLV/.test(f), f);
  });

  it('prints escaped names like Name.toString, and full 64-bit request ids', () => {
    const text = frames[base]!;
    assert.ok(text.includes('Name: /a%2Fb/%00/...'), text);
    assert.ok(text.includes(`Request ID: ${2n ** 63n + 5n}`), text);
    assert.ok(text.includes('Segment Index: 2'), text);
  });

  it('marks unknown fields as skippable or critical', () => {
    assert.match(frames[base + 1]!, /Unknown TLV.*type 80 \(0x50\).*skippable/);
    assert.match(frames[base + 2]!, /Unknown TLV.*type 81 \(0x51\).*critical/);
    assert.ok(frames[base + 1]!.includes('Hop Limit: 32'), 'the known fields around it still show');
  });

  it('flags a truncated frame as malformed, and survives 300 mutated frames without a Lua error', () => {
    assert.match(frames[base + 3]!, /Malformed|cut short/);
    const luaErrors = frames.filter((f) => f.includes('Lua Error'));
    assert.deepEqual(luaErrors.slice(0, 1), []);
  });
});

/** Adds a 1-byte field of `type` right after the message header (1-byte message length). */
function withField(wire: Uint8Array, type: number): Uint8Array {
  return Uint8Array.from([wire[0]!, wire[1]!, wire[2]! + 3, wire[3]!, wire[4]!, wire[5]!, type, 1, 0xab, ...wire.subarray(6)]);
}
