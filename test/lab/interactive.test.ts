/** The interactive lab's pure parts: impairments, nft rules, events, frames, links, shell words, pictures. */
import assert from 'node:assert/strict';
import { DepartureQueue, Impairment } from '../../src/lab/impair.js';
import { netemNames, nftRules } from '../../src/lab/netem-rules.js';
import { EventMerger, formatTimed, parseMonitorLine, parseRouterLine, type WatchEvent } from '../../src/lab/events.js';
import { frameLine, linksFromLabels, PcapReader, selectLinks, tcpdumpArgs } from '../../src/lab/index.js';
import { checkNetem, formatNetem, mergeNetem, parseNetem, parseTopology, resolveTopology } from '../../src/topology/index.js';
import { complete, normalize, tokenize, type Verbs } from '../../src/cli/shell-parse.js';
import { formatMatrix } from '../../src/cli/pingall.js';
import { layoutNodes, toDot, toMermaid, type GraphModel } from '../../src/web/index.js';
import { encode, Name } from '../../src/wire/index.js';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_DIR } from '../../src/lab/index.js';

describe('interactive lab (pure)', () => {
  describe('netem settings', () => {
    it('parses units like tc-netem and refuses nonsense with a hint', () => {
      assert.deepEqual(parseNetem({ delay: '20ms', jitter: '500us', loss: '5%', rate: '10mbit', corrupt: 1, duplicate: '0.5%', reorder: '25%' }, 'x'),
        { delayMs: 20, jitterMs: 0.5, lossPct: 5, rateKbit: 10000, corruptPct: 1, duplicatePct: 0.5, reorderPct: 25 });
      assert.deepEqual(parseNetem({ delay: '1s', rate: '64kbps' }, 'x'), { delayMs: 1000, rateKbit: 512 });
      assert.throws(() => parseNetem({ loss: '150%' }, 'sg1:eth3'), /NETEM_INVALID|0% to 100%/);
      assert.throws(() => parseNetem({ delay: 'soon' }, 'sg1:eth3'), (e: Error) => /delay 'soon'/.test(e.message));
      assert.throws(() => checkNetem({ jitterMs: 5 }, 'sg1:eth3'), /without a delay/);
    });
    it('set adds to what is there and names what it replaced', () => {
      const r = mergeNetem({ delayMs: 10, lossPct: 1 }, { delayMs: 20, rateKbit: 1000 });
      assert.deepEqual(r.settings, { delayMs: 20, lossPct: 1, rateKbit: 1000 });
      assert.deepEqual(r.replaced, ['delay 10ms -> 20ms']);
      assert.equal(formatNetem(r.settings), 'delay 20ms loss 1% rate 1mbit');
      assert.equal(formatNetem({}), '-');
    });
    it('YAML netem: one set for both ends, or per end', () => {
      const yaml = `name: n\ntopology:\n  nodes: { a: { kind: linux }, b: { kind: linux }, c: { kind: linux } }\n  links:\n` +
        `    - endpoints: [a:eth1, b:eth1]\n      netem: { delay: 20ms, loss: 1% }\n` +
        `    - endpoints: [b:eth2, c:eth1]\n      netem: [null, { delay: 50ms }]\n`;
      const t = resolveTopology(parseTopology(yaml, 'n.yaml'));
      assert.deepEqual(t.links[0]!.a.netem, { delayMs: 20, lossPct: 1 });
      assert.deepEqual(t.links[0]!.b.netem, { delayMs: 20, lossPct: 1 });
      assert.equal(t.links[1]!.a.netem, undefined);
      assert.deepEqual(t.links[1]!.b.netem, { delayMs: 50 });
      assert.throws(() => resolveTopology(parseTopology(yaml.replace('loss: 1%', 'loss: 1%, jitter: 5ms').replace('delay: 20ms, ', ''), 'n.yaml')), /without a delay/);
    });
  });

  describe('impairment engine', () => {
    const frame = new Uint8Array(100);
    it('delays by the delay, jitter within ±jitter, rate serialises frames one after another', () => {
      let r = 0;
      const imp = new Impairment({ delayMs: 50, jitterMs: 10 }, () => r);
      r = 0; assert.equal(imp.admit(frame, 1000)[0]!.at, 1040);
      r = 0.999999; assert.ok(Math.abs(imp.admit(frame, 1000)[0]!.at - 1060) < 0.01);
      const rate = new Impairment({ rateKbit: 800 }); // 100 bytes = 800 bit = 1 ms
      assert.deepEqual([0, 0, 0].map(() => rate.admit(frame, 0)[0]!.at), [1, 2, 3]);
      assert.equal(rate.admit(frame, 10)[0]!.at, 11);
    });
    it('loses, duplicates and corrupts the asked share (seeded)', () => {
      let s = 1;
      const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
      const lossy = new Impairment({ lossPct: 10 }, rnd);
      const kept = Array.from({ length: 10000 }, () => lossy.admit(frame, 0).length).reduce((a, b) => a + b, 0);
      assert.ok(kept > 8800 && kept < 9200, `kept ${kept} of 10000`);
      const dup = new Impairment({ duplicatePct: 100 }, rnd);
      assert.equal(dup.admit(frame, 0).length, 2);
      const bad = new Impairment({ corruptPct: 100 }, rnd).admit(frame, 0)[0]!.frame;
      const diff = bad.reduce((n, b, i) => n + (b !== frame[i] ? 1 : 0), 0);
      assert.equal(diff, 1);
      assert.ok(bad.subarray(0, 14).every((b) => b === 0), 'Ethernet header intact');
    });
    it('reordered frames skip the delay; the queue hands out what is due in time order', () => {
      const q = new DepartureQueue();
      const imp = new Impairment({ delayMs: 50, reorderPct: 100 });
      assert.equal(imp.admit(frame, 7)[0]!.at, 7);
      for (const at of [30, 10, 20, 10]) q.push({ at, frame: Uint8Array.of(at) });
      assert.deepEqual(q.due(15).map((d) => d.at), [10, 10]);
      assert.equal(q.next, 20);
      assert.deepEqual(q.due(100).map((d) => d.at), [20, 30]);
    });
  });

  it('nft rules divert egress to the relay and let marked frames leave', () => {
    const n = netemNames('eth3', 1004);
    assert.deepEqual(n, { table: 'damc_netem_eth3', a: 'dn1004a', b: 'dn1004b' });
    const r = nftRules('eth3', n);
    assert.match(r, /hook egress device "eth3" priority 0; policy accept; meta mark 34997 accept; fwd to "dn1004a";/);
    assert.match(r, /hook ingress device "dn1004a" priority 0; policy accept; meta mark set 34997 fwd to "eth3";/);
  });

  describe('watch events', () => {
    it('reads router log lines and ip monitor lines (changes only)', () => {
      const a = parseRouterLine('sg1', '2026-12-01T08:00:00.123456789Z {"level":"info","time":"2026-12-01T08:00:00.123Z","event":"adjacency","iface":"eth3","neighbor":"sr1","up":false,"reason":"carrier down","msg":"x"}')!;
      assert.equal(a.type, 'adjacency');
      assert.equal(a.text, 'adjacency down: sr1 on eth3 (carrier down)');
      assert.ok(Math.abs(a.time - (Date.parse('2026-12-01T08:00:00.123Z') + 0.456789)) < 1e-6);
      const s = parseRouterLine('sr1', '2026-12-01T08:00:00.2Z {"event":"spf","durationMs":0.31,"routes":18,"fibChanges":4}')!;
      assert.equal(s.text, 'spf 0.31 ms: 4 fib entries changed (18 routes)');
      assert.equal(parseRouterLine('sr1', 'not json'), undefined);
      const snap = new Map<string, string>();
      const ifs = new Set(['eth3']);
      const up = '[2026-12-01T08:00:00.100000] 1002: eth3@if1003: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000 qdisc noqueue state UP group default';
      const down = '[2026-12-01T08:00:00.200000] 1002: eth3@if1003: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 9000 qdisc noqueue state LOWERLAYERDOWN group default';
      assert.equal(parseMonitorLine('sg1', up, ifs, snap), undefined, 'first sight of an up link is no event');
      assert.equal(parseMonitorLine('sg1', down, ifs, snap)!.text, 'sg1:eth3 carrier down');
      assert.equal(parseMonitorLine('sg1', down, ifs, snap), undefined, 'no change, no event');
      assert.equal(parseMonitorLine('sg1', down.replace('eth3', 'dn1004a'), ifs, snap), undefined, 'not a lab interface');
      assert.equal(parseMonitorLine('sg1', up, ifs, snap)!.text, 'sg1:eth3 carrier up');
      const adminDown = '[2026-12-01T08:00:00.300000] 1002: eth3@if1003: <BROADCAST,MULTICAST> mtu 9000 qdisc noqueue state DOWN group default';
      assert.equal(parseMonitorLine('sg1', adminDown, ifs, snap)!.text, 'sg1:eth3 carrier down (set down here)');
      assert.equal(parseMonitorLine('sg1', down, ifs, snap)!.text, 'sg1:eth3 set up, no carrier yet');
    });
    it('merges sources in time order, times from the burst\'s first event, and summarises the burst', () => {
      const m = new EventMerger({ holdMs: 100, gapMs: 1000 });
      const ev = (time: number, node: string, type: WatchEvent['type'], data: Record<string, unknown> = {}): WatchEvent => ({ time, node, type, text: `${type}@${time}`, data });
      m.push(ev(1005, 'sg1', 'spf', { fibChanges: 3 }));
      m.push(ev(1000, 'sg1', 'link'));
      assert.deepEqual(m.tick(1050), [], 'held');
      m.push(ev(1007.5, 'sr1', 'spf', { fibChanges: 2 }));
      const out = m.tick(1200);
      assert.deepEqual(out.map((x) => [x.event.node, x.relMs]), [['sg1', 0], ['sg1', 5], ['sr1', 7.5]]);
      const end = m.tick(2100);
      assert.equal(end.length, 1);
      assert.equal(end[0]!.event.text, 'last FIB change at t+7.5 ms (sr1); 5 fib entries changed on 2 routers, 3 events');
      assert.match(formatTimed(out[2]!), /^t\+ {4}7\.5 ms {2}sr1 {4}spf@1007\.5$/);
      m.push(ev(5000, 'sr2', 'link'));
      assert.equal(m.tick(5200)[0]!.relMs, 0, 'a new burst starts at t+0');
    });
  });

  describe('capture', () => {
    it('tcpdump arguments for each mode', () => {
      assert.deepEqual(tcpdumpArgs('eth3', { write: '-', filter: ['ether', 'proto', '0x88b5'] }), ['-i', 'eth3', '-nn', '-U', '-w', '-', 'ether', 'proto', '0x88b5']);
      assert.deepEqual(tcpdumpArgs('eth3', { count: 5 }), ['-i', 'eth3', '-nn', '-l', '-e', '-c', '5']);
      assert.deepEqual(tcpdumpArgs('eth1', { decode: true }), ['-i', 'eth1', '-nn', '-U', '-w', '-', '--immediate-mode']);
    });
    it('reads a pcap stream in pieces and prints DAMC frames decoded, one line each', () => {
      const mac = [2, 0, 0, 0, 0, 1];
      const hello = encode({ type: 'hello', router: Name.parse('/damc/router/sr1'), iface: 'eth3', helloIntervalMs: 100, deadIntervalMs: 300, neighbors: [Name.parse('/damc/router/sr2')] });
      const req = encode({ type: 'request', name: Name.parse('/damc/router/sg4'), requester: Name.parse('/damc/router/sg1'), requestId: 9n, hopLimit: 31, segIndex: 0, segCount: 1, payload: new Uint8Array() });
      const eth = (src: number[], type: number, p: Uint8Array) => Buffer.concat([Buffer.alloc(6, 0xff), Buffer.from(src), Buffer.from([type >> 8, type & 0xff]), Buffer.from(p)]);
      const rec = (sec: number, usec: number, f: Buffer) => { const h = Buffer.alloc(16); h.writeUInt32LE(sec, 0); h.writeUInt32LE(usec, 4); h.writeUInt32LE(f.length, 8); h.writeUInt32LE(f.length, 12); return Buffer.concat([h, f]); };
      const gh = Buffer.alloc(24); gh.writeUInt32LE(0xa1b2c3d4, 0); gh.writeUInt16LE(2, 4); gh.writeUInt16LE(4, 6); gh.writeUInt32LE(65535, 16); gh.writeUInt32LE(1, 20);
      const all = Buffer.concat([gh, rec(1764576000, 123456, eth(mac, 0x88b5, hello)), rec(1764576000, 200000, eth([2, 0, 0, 0, 0, 2], 0x88b5, req)),
        rec(1764576001, 0, eth(mac, 0x0800, new Uint8Array(20))), rec(1764576001, 5, eth(mac, 0x88b5, Uint8Array.of(1, 0x10, 0x40)))]);
      const r = new PcapReader();
      const frames = [...r.push(all.subarray(0, 30)), ...r.push(all.subarray(30, 101)), ...r.push(all.subarray(101))];
      assert.equal(frames.length, 4);
      const lines = frames.map((f) => frameLine(f, '02:00:00:00:00:01'));
      assert.equal(lines[0], '08:00:00.123456 out hello /damc/router/sr1 on eth3 hears [/damc/router/sr2]');
      assert.equal(lines[1], '08:00:00.200000 in  request /damc/router/sg4 from /damc/router/sg1 id=9 seg=0/1 hop=31');
      assert.match(lines[2]!, /out ethertype 0x0800 34 bytes/);
      assert.match(lines[3]!, /out malformed /);
      assert.throws(() => new PcapReader().push(Buffer.alloc(24)), /not a pcap/);
    });
  });

  describe('links', () => {
    const links = linksFromLabels([
      { node: 'sg1', ifaces: { eth3: 'sr1:eth1', eth4: 'sg2:eth4' } },
      { node: 'sr1', ifaces: { eth1: 'sg1:eth3', eth3: 'sr2:eth3' } },
      { node: 'sg2', ifaces: { eth4: 'sg1:eth4' } },
    ]);
    it('each veth once, from the labels', () => {
      assert.deepEqual(links.map((l) => `${l.a.node}:${l.a.iface}-${l.b.node}:${l.b.iface}`), ['sg1:eth3-sr1:eth1', 'sg1:eth4-sg2:eth4', 'sr1:eth3-sr2:eth3']);
    });
    it('selects by end or by node pair, and says what exists when nothing matches', () => {
      assert.equal(selectLinks(links, ['sr1:eth1'])[0]!.a.iface, 'eth3');
      assert.equal(selectLinks(links, ['sr1', 'sg1']).length, 1);
      assert.throws(() => selectLinks(links, ['sg1:eth9']), (e: Error & { hint?: string }) => /sg1:eth3, sg1:eth4/.test(e.hint ?? ''));
      assert.throws(() => selectLinks(links, ['sg1', 'sr2']), (e: Error & { hint?: string }) => /linked to: sr1, sg2/.test(e.hint ?? ''));
    });
  });

  describe('shell words', () => {
    const verbs: Verbs = {
      link: { lab: false, subs: { down: { lab: true }, up: { lab: true }, show: { lab: true } } },
      fib: { lab: true, subs: {} }, exec: { lab: true, subs: {} }, pingall: { lab: true, subs: {} }, generate: { lab: false, subs: {} },
    };
    const nodes = new Set(['sg1', 'sr1']);
    it('splits like a shell', () => {
      assert.deepEqual(tokenize(`exec sg1 -- sh -c 'echo "a b"' # comment`), ['exec', 'sg1', '--', 'sh', '-c', 'echo "a b"']);
      assert.deepEqual(tokenize('a\\ b ""'), ['a b', '']);
      assert.throws(() => tokenize('echo "x'), /unclosed/);
    });
    it('Mininet\'s order and node-first commands map to the CLI verbs, with the shell\'s lab', () => {
      assert.deepEqual(normalize(['link', 'sg1', 'sr1', 'down'], verbs, nodes, 'f2'), ['link', 'down', '--lab', 'f2', 'sg1', 'sr1']);
      assert.deepEqual(normalize(['link', 'sg1:eth3', 'up'], verbs, nodes), ['link', 'up', 'sg1:eth3']);
      assert.deepEqual(normalize(['link', 'down', 'sg1:eth3'], verbs, nodes, 'f2'), ['link', 'down', '--lab', 'f2', 'sg1:eth3']);
      assert.deepEqual(normalize(['sg1', 'ip', '-br', 'link'], verbs, nodes, 'f2'), ['exec', '--lab', 'f2', 'sg1', '--', 'ip', '-br', 'link']);
      assert.deepEqual(normalize(['fib', 'sg1', '--lab', 'x'], verbs, nodes, 'f2'), ['fib', 'sg1', '--lab', 'x']);
      assert.deepEqual(normalize(['generate', 'line', '--nodes', '3'], verbs, nodes, 'f2'), ['generate', 'line', '--nodes', '3']);
    });
    it('`lab shell` runs script lines through the CLI\'s own verbs and exits 1 when one failed', function () {
      this.timeout(20_000);
      const r = spawnSync(join(PROJECT_DIR, 'lab'), ['shell'], { input: 'generate line --nodes 2 -o -   # a verb that needs no lab\nnosuchverb\ngenerate ring --nodes 3 -o -\n', encoding: 'utf8' });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, /lab> generate line --nodes 2 -o -   # a verb that needs no lab\n# generated by: lab generate line --nodes 2\nname: line2\n/);
      assert.match(r.stdout, /name: ring3/, 'the line after a failure still runs');
      assert.match(r.stderr, /unknown command 'nosuchverb'/);
      assert.match(r.stderr, /1 command\(s\) failed/);
    });
    it('completes verbs, subverbs, nodes and interfaces', () => {
      const c = { verbs, nodes: ['sg1', 'sr1'], ends: ['sg1:eth3', 'sg1:eth4', 'sr1:eth1'] };
      assert.deepEqual(complete('li', c), [['link'], 'li']);
      assert.deepEqual(complete('link d', c), [['down'], 'd']);
      assert.deepEqual(complete('link down sg1:', c), [['sg1:eth3', 'sg1:eth4'], 'sg1:']);
      assert.deepEqual(complete('fib s', c), [['sg1', 'sg1:eth3', 'sg1:eth4', 'sr1', 'sr1:eth1'], 's']);
    });
  });

  describe('pictures and matrices', () => {
    const model: GraphModel = {
      lab: 'x', nodes: layoutNodes([{ id: 'sg1', kind: 'damc-sg' }, { id: 'sr1', kind: 'damc-sr' }]),
      links: [{ id: 'sg1:eth3--sr1:eth1', source: 'sg1', target: 'sr1', a: 'sg1:eth3', b: 'sr1:eth1', up: false, netemA: 'delay 20ms', netemB: '-' }],
    };
    it('figure2 nodes get the Figure 2 positions', () => {
      assert.deepEqual(model.nodes.map((n) => [n.x, n.y]), [[-300, -170], [-140, -40]]);
      assert.equal(layoutNodes([{ id: 'zz', kind: 'linux' }])[0]!.x, undefined);
    });
    it('dot and mermaid show roles, interfaces, a down link in red and its impairment', () => {
      assert.equal(toDot(model), 'graph "x" {\n  node [fontname="Helvetica"];\n  "sg1" [label="sg1\\nSG", shape=box];\n  "sr1" [label="sr1\\nSR", shape=ellipse];\n' +
        '  "sg1" -- "sr1" [taillabel="eth3", headlabel="eth1", color=red, style=dashed, label="sg1:eth3→: delay 20ms"];\n}\n');
      assert.equal(toMermaid(model), 'graph TD\n  sg1["sg1 SG"]\n  sr1(("sr1 SR"))\n  sg1 ---|"eth3-eth1 sg1:eth3→: delay 20ms"| sr1\n  linkStyle 0 stroke:red,stroke-dasharray:5\n');
    });
    it('pingall matrix', () => {
      const m = formatMatrix([
        { from: 'sg1', to: 'sr1', ok: true, text: '2 ms', rttMs: 2 }, { from: 'sr1', to: 'sg1', ok: false, text: 'timeout' },
      ]);
      assert.equal(m, 'FROM\\TO  sg1  sr1\nsg1      -    2\nsr1      X    -\n1/2 answered (cells: round trip in ms; X: no answer)\n  sr1 -> sg1: timeout');
    });
  });
});
