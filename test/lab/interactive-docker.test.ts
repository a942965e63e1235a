/**
 * The interactive lab on figure2 in Docker, through the CLI as a person types it: link
 * down/up with FIBs reconverging, netem from the CLI and from the YAML measured on `lab ping`,
 * capture (pcap, --decode, a node without tcpdump), watch, the shell on a stdin script, and
 * the live page in headless Chromium.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { dockerContext, Lab, PcapReader, PROJECT_DIR } from '../../src/lab/index.js';
import { serveGraph, type GraphServer } from '../../src/web/index.js';
import { tryDecode } from '../../src/wire/index.js';
import { configsFromYaml, expectedFibs, routers, waitFibs, forgetPid } from '../node/lab-routing.js';

const run = promisify(execFile);
const LAB = join(PROJECT_DIR, 'lab');
export const OUT_DIR = join(PROJECT_DIR, 'dist', 'test-output');

describe('interactive lab @docker figure2', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'damc-int-'));
  const file = join(dir, 'figure2.yaml');
  // figure2 as written, plus a one-way 50 ms delay leaving sr2 toward sr3 (the YAML's per-end form)
  writeFileSync(file, readFileSync(join(PROJECT_DIR, 'topologies/figure2.yaml'), 'utf8')
    .replace('    - endpoints: ["sr2:eth4", "sr3:eth4"]', '    - endpoints: ["sr2:eth4", "sr3:eth4"]\n      netem: [{ delay: 50ms }, null]'));
  const name = `t-int-${process.pid}`;
  const lab = Lab.fromFile(file, dockerContext(), { name });
  const cfgs = configsFromYaml(file);
  const all = routers(cfgs);
  const want = (down: string[] = []) => new Map([...expectedFibs(cfgs, new Set(down))].filter(([n]) => all.includes(n)));
  const cli = (...args: string[]) => run(LAB, [...args], { maxBuffer: 1 << 24 });
  const withLab = (verb: string[], ...rest: string[]) => cli(...verb, '--lab', name, ...rest);
  const rtt = async (from: string, to: string, n = 5) => {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) xs.push(Number(/, (\d+) ms/.exec((await withLab(['ping'], from, `/damc/router/${to}`)).stdout)![1]));
    return xs.sort((a, b) => a - b)[Math.floor(n / 2)]!;
  };

  before(async () => {
    await lab.deploy();
    await waitFibs(lab, want(), 30_000);
  });
  after(async () => {
    await lab.destroy().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('link down through the CLI: both ends lose carrier, FIBs move to the other path; up brings them back', async () => {
    const r = await withLab(['link', 'down'], 'sg1', 'sr1');
    assert.equal(r.stdout, 'sg1:eth3 <-> sr1:eth1: down\n');
    await waitFibs(lab, want(['sg1:eth3']), 10_000);
    const show = (await withLab(['link', 'show'], 'sg1')).stdout;
    assert.match(show, /sg1:eth3 <-> sr1:eth1\s+DOWN\s+down\/down/);
    assert.match(show, /sg1:eth4 <-> sg2:eth4\s+up\s+up\/up/);
    await withLab(['link', 'up'], 'sg1:eth3');
    await waitFibs(lab, want(), 10_000);
  });

  it('watch shows the carrier-down event, then the FIB changes', async () => {
    const w = spawn(LAB, ['watch', '--lab', name, '--json', '--duration', '9', '--gap', '800']);
    let text = '';
    w.stdout.on('data', (d: Buffer) => (text += d.toString()));
    await new Promise((r) => setTimeout(r, 3000));
    await withLab(['link', 'down'], 'sg1:eth4');
    await new Promise((r) => setTimeout(r, 3000));
    await withLab(['link', 'up'], 'sg1:eth4');
    await new Promise<void>((r) => w.on('close', () => r()));
    const evs = text.trim().split('\n').map((l) => JSON.parse(l) as { t: number; node: string; type: string; text: string; fibChanges?: number });
    const down = evs.findIndex((e) => e.type === 'link' && /^sg[12]:eth4 carrier down/.test(e.text));
    assert.ok(down >= 0, text);
    // ip stamps a link line when it reads it, so under load a router's reaction can sort first
    // by a few ms; the carrier loss still opens the burst.
    assert.ok(evs[down]!.t <= 50, `carrier down at t+${evs[down]!.t} ms:\n${text}`);
    const after = evs.slice(down);
    assert.ok(after.some((e) => e.type === 'adjacency' && e.node === 'sg1' && /down: sg2 on eth4 \(carrier down\)/.test(e.text)), text);
    assert.ok(after.some((e) => e.type === 'spf' && (e.fibChanges ?? 0) > 0), text);
    assert.ok(after.some((e) => e.type === 'summary' && /last FIB change at t\+/.test(e.text)), text);
    await waitFibs(lab, want(), 10_000);
  });

  it('netem from the CLI: 50 ms delay adds at least 50 ms to a lab ping; set adds, says what it replaced; reset removes', async () => {
    const base = await rtt('sg1', 'sr1');
    const s1 = await withLab(['netem', 'set'], 'sg1:eth3', '--delay', '30ms');
    assert.equal(s1.stdout, 'sg1:eth3 (toward sr1:eth1): delay 30ms\n');
    const s2 = await withLab(['netem', 'set'], 'sg1:eth3', '--delay', '50ms', '--loss', '0%');
    assert.equal(s2.stdout, 'sg1:eth3 (toward sr1:eth1): delay 50ms; replaced delay 30ms -> 50ms\n');
    const slow = await rtt('sg1', 'sr1');
    console.log(`      lab ping sg1 -> sr1: ${base} ms, with 50 ms delay on sg1:eth3 ${slow} ms`);
    assert.ok(slow - base >= 50, `${slow} - ${base}`);
    assert.match((await withLab(['netem', 'show'], 'sg1')).stdout, /sg1:eth3\s+sg1 -> sr1\s+delay 50ms/);
    assert.equal((await withLab(['netem', 'reset'], 'sg1:eth3')).stdout, 'sg1:eth3: removed delay 50ms\n');
    assert.ok((await rtt('sg1', 'sr1')) < base + 20);
    // A relay killed outright leaves its diversion: show says so, reset undoes it.
    await withLab(['netem', 'set'], 'sg1:eth3', '--delay', '10ms');
    const shown = JSON.parse((await withLab(['netem', 'show'], 'sg1', '--json')).stdout) as { end: { iface: string }; state?: { pid: number } }[];
    process.kill(shown.find((e) => e.end.iface === 'eth3')!.state!.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    assert.match((await withLab(['netem', 'show'], 'sg1')).stdout, /sg1:eth3\s+sg1 -> sr1\s+BROKEN: diverted, relay gone/);
    assert.equal((await withLab(['netem', 'reset'], 'sg1:eth3')).stdout, 'sg1:eth3: its relay was gone: removed the diversion it left\n');
    assert.match((await withLab(['ping'], 'sg1', '/damc/router/sr1')).stdout, /: ok, \d+ ms/);
    // --both: each direction gets 25 ms, so the round trip grows by 50
    const b0 = await rtt('sr1', 'sr2');
    assert.equal((await withLab(['netem', 'set'], 'sr1:eth3', '--delay', '25ms', '--both')).stdout,
      'sr1:eth3 (toward sr2:eth3): delay 25ms\nsr2:eth3 (toward sr1:eth3): delay 25ms\n');
    const b1 = await rtt('sr1', 'sr2');
    console.log(`      lab ping sr1 -> sr2: ${b0} ms, with 25 ms both ways on sr1:eth3 <-> sr2:eth3 ${b1} ms`);
    assert.ok(b1 - b0 >= 50, `${b1} - ${b0}`);
    await withLab(['netem', 'reset'], 'sr1:eth3', '--both');
  });

  it('netem from the YAML: a one-way 50 ms on sr2 -> sr3 shows in that direction only', async () => {
    const plain = await rtt('sr1', 'sr3');
    const impaired = await rtt('sr2', 'sr3');
    console.log(`      lab ping sr1 -> sr3 ${plain} ms; sr2 -> sr3 (50 ms leaving sr2:eth4, from the YAML) ${impaired} ms`);
    assert.ok(impaired - plain >= 50 && impaired - plain < 100, `${impaired} vs ${plain}`);
    assert.match((await withLab(['netem', 'show'], 'sr3')).stdout, /sr3:eth4\s+sr3 -> sr2\s+-/);
    // a restart re-plugs sr2's links and puts its impairment back on the new interface
    assert.match((await withLab(['restart'], 'sr2')).stdout, /impairments put back: sr2:eth4 \(delay 50ms\)/);
    assert.match((await withLab(['netem', 'show'], 'sr2')).stdout, /sr2:eth4\s+sr2 -> sr3\s+delay 50ms/);
    forgetPid(lab, 'sr2');
    await waitFibs(lab, want(), 15_000);
    const again = await rtt('sr2', 'sr3');
    assert.ok(again - plain >= 50, `after restart ${again} vs ${plain}`);
  });

  it('capture writes a pcap tcpdump reads, with Hello and LSA frames; --decode names them', async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    const pcap = join(OUT_DIR, 'sr1-eth3.pcap');
    const cap = withLab(['capture'], 'sr1:eth3', '-w', pcap, '--duration', '3');
    const dec = withLab(['capture'], 'sr1:eth3', '--decode', '--duration', '3');
    await new Promise((r) => setTimeout(r, 800));
    await withLab(['link', 'down'], 'sg3:eth4'); // LSAs flood
    await new Promise((r) => setTimeout(r, 500));
    await withLab(['link', 'up'], 'sg3:eth4');
    await cap;
    const lines = (await dec).stdout;
    const read = await run('tcpdump', ['-nn', '-r', pcap]);
    assert.match(read.stdout, /ethertype Unknown \(0x88b5\)/);
    const types = new Set(new PcapReader().push(readFileSync(pcap)).map((f) => {
      const r = tryDecode(f.data.subarray(14));
      return r.ok ? r.message.type : 'bad';
    }));
    assert.ok(types.has('hello') && types.has('lsa'), [...types].join(','));
    assert.match(lines, /^\d\d:\d\d:\d\d\.\d{6} (in |out) hello \/damc\/router\/sr[12] on eth3 hears/m);
    // -w - is pcap on stdout, for `| wireshark -k -i -`
    const piped = await new Promise<Buffer>((resolve) => {
      const p = spawn(LAB, ['capture', 'sr1:eth3', '--lab', name, '-w', '-', '-c', '3'], { stdio: ['ignore', 'pipe', 'ignore'] });
      const parts: Buffer[] = [];
      p.stdout.on('data', (d: Buffer) => parts.push(d));
      p.on('close', () => resolve(Buffer.concat(parts)));
    });
    assert.equal(new PcapReader().push(piped).length, 3);
    assert.match(lines, /^\d\d:\d\d:\d\d\.\d{6} (in |out) lsa adjacency \/damc\/router\/\S+ \[.*\] seq=\d+ lifetime=120s$/m);
    await waitFibs(lab, want(), 10_000);
  });

  it('the shell runs a stdin script: link … down, fib, pingall; a failing line makes it exit 1', async () => {
    const sh = (script: string) => new Promise<{ code: number; out: string }>((resolve) => {
      const p = spawn(LAB, ['shell', '--lab', name]);
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (out += d.toString()));
      p.on('close', (code) => resolve({ code: code ?? -1, out }));
      p.stdin.end(script);
    });
    const ok = await sh('link sg1 sr1 down   # Mininet order\nsettle --quiet 1000\nfib sg1\npingall\nlink up sg1:eth3\n');
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /lab> link sg1 sr1 down   # Mininet order\nsg1:eth3 <-> sr1:eth1: down\n/);
    assert.match(ok.out, /settled: \d+ routers' FIBs unchanged for 1000 ms/);
    assert.match(ok.out, /\/damc\/router\/sr1\s+eth4->sg2 \(cost 4\)/, 'sg1 reaches sr1 the long way');
    assert.match(ok.out, /42\/42 answered/);
    await waitFibs(lab, want(), 10_000);
    const bad = await sh('fib nosuchnode\nneighbors sr1\n');
    assert.equal(bad.code, 1, bad.out);
    assert.match(bad.out, /error \[NODE_NOT_FOUND\]/);
    assert.match(bad.out, /two-way/, 'the next line still runs');
  });

  describe('the page in headless Chromium', () => {
    let g: GraphServer;
    let browser: Browser;
    before(async () => {
      g = await serveGraph(lab, PROJECT_DIR, 0);
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    });
    after(async () => {
      await browser?.close();
      await g?.close();
    });

    it('draws every node and link, turns a link taken down with the CLI red within 2 s, and a click shows the FIB', async () => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`http://127.0.0.1:${g.port}/`);
      await page.waitForFunction(() => (globalThis as unknown as { graphReady?: boolean }).graphReady === true);
      type W = { cy: { nodes(): { length: number; map<T>(f: (n: { id(): string }) => T): T[] }; edges(s?: string): { length: number }; getElementById(id: string): { hasClass(c: string): boolean; renderedPosition(): { x: number; y: number } } } };
      const counts = await page.evaluate(() => { const cy = (globalThis as unknown as W).cy; return { nodes: cy.nodes().map((n) => n.id()).sort(), edges: cy.edges().length, down: cy.edges('.link-down').length }; });
      assert.deepEqual(counts.nodes, ['pod1', 'pod2', 'pod3', 'pod4', 'scsc', 'sg1', 'sg2', 'sg3', 'sg4', 'spa1', 'spa2', 'spa3', 'spa4', 'sr1', 'sr2', 'sr3'].sort());
      assert.equal(counts.edges, 19);
      assert.equal(counts.down, 0);
      await page.waitForTimeout(500);
      mkdirSync(OUT_DIR, { recursive: true });
      await page.screenshot({ path: join(OUT_DIR, 'graph-figure2.png') });

      const id = 'sr1:eth3--sr2:eth3';
      const t0 = Date.now();
      await withLab(['link', 'down'], 'sr1:eth3');
      await page.waitForFunction((i) => (globalThis as unknown as W).cy.getElementById(i).hasClass('link-down'), id, { timeout: 2000, polling: 50 });
      console.log(`      red ${Date.now() - t0} ms after \`lab link down\` was started`);
      await page.screenshot({ path: join(OUT_DIR, 'graph-figure2-sr1-sr2-down.png') });
      await withLab(['link', 'up'], 'sr1:eth3');
      await page.waitForFunction((i) => !(globalThis as unknown as W).cy.getElementById(i).hasClass('link-down'), id, { timeout: 2000, polling: 50 });

      const pos = await page.evaluate(() => (globalThis as unknown as W).cy.getElementById('sg2').renderedPosition());
      await page.mouse.click(pos.x, pos.y);
      await page.waitForSelector('#fib');
      const fib = await page.textContent('#fib');
      assert.match(fib ?? '', /\/damc\/router\/sg1/);
      assert.match(fib ?? '', /\/C\/2local/);
      assert.match((await page.textContent('#neighbors')) ?? '', /sr2two-way/);
      await page.screenshot({ path: join(OUT_DIR, 'graph-figure2-sg2.png') });
      await waitFibs(lab, want(), 10_000);
    });
  });
});

describe('capture @docker on a node whose image has no tcpdump', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'damc-int-bare-'));
  const image = `t-damc-bare:${process.pid}`;
  const name = `t-intbare-${process.pid}`;
  const file = join(dir, 'bare.yaml');
  writeFileSync(file, `name: bare\ntopology:\n  nodes:\n    a: { kind: linux, image: "${image}" }\n    b: { kind: linux, image: "${image}" }\n  links:\n    - endpoints: [a:eth1, b:eth1]\n`);
  const lab = Lab.fromFile(file, dockerContext(), { name });

  before(async () => {
    // An image of sleep and its libraries only: no shell, no tcpdump.
    const libs = (await run('ldd', ['/usr/bin/sleep'])).stdout.split('\n').map((l) => /(\/\S+)/.exec(l)?.[1]).filter((x): x is string => !!x);
    await run('bash', ['-c', `tar -ch /usr/bin/sleep ${libs.join(' ')} 2>/dev/null | docker import -c 'CMD ["/usr/bin/sleep","infinity"]' - ${image}`]);
    await lab.deploy();
  });
  after(async () => {
    await lab.destroy().catch(() => undefined);
    await run('docker', ['rmi', '-f', image]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('captures ICMP on a:eth1 with a filter, though the node cannot run tcpdump itself', async () => {
    const pa = (await lab.container('a')).pid;
    const pb = (await lab.container('b')).pid;
    assert.notEqual(await lab.exec('a', ['tcpdump', '--version']).catch(() => -1), 0, 'no tcpdump in the image');
    await run('nsenter', ['-t', String(pa), '-n', 'ip', 'addr', 'add', '10.99.0.1/30', 'dev', 'eth1']);
    await run('nsenter', ['-t', String(pb), '-n', 'ip', 'addr', 'add', '10.99.0.2/30', 'dev', 'eth1']);
    const cap = run(LAB, ['capture', 'a:eth1', '--lab', name, '-c', '2', 'icmp']);
    await new Promise((r) => setTimeout(r, 800));
    await run('nsenter', ['-t', String(pb), '-n', 'ping', '-c', '3', '-i', '0.3', '10.99.0.1']);
    const out = (await cap).stdout;
    assert.match(out, /10\.99\.0\.2 > 10\.99\.0\.1: ICMP echo request/);
    assert.match(out, /10\.99\.0\.1 > 10\.99\.0\.2: ICMP echo reply/);
  });
});
