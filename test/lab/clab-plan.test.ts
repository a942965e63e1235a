/** Pure parts of containerlab deploys: the ip commands of each link form, and the container a node gets. */
import assert from 'node:assert/strict';
import { bytes, clabContainerSpec } from '../../src/lab/clab-spec.js';
import { hostIfName, linkCommands } from '../../src/lab/clab-links.js';
import { parseTopology, resolveTopology } from '../../src/topology/index.js';

const topo = (body: string) => resolveTopology(parseTopology(`name: t\ntopology:\n${body}`, 't.clab.yml'), { env: {} });
const pids: Record<string, number> = { a: 101, b: 102, x: 201 };
const cx = { pidOf: (e: { t: string; node?: string; container?: string }) => pids[e.node ?? e.container ?? '']!, mgmtBridge: 'br-mgmt' };

describe('containerlab link commands', () => {
  const t = topo(`  nodes:
    a: { kind: linux }
    b: { kind: linux }
    br1: { kind: bridge }
    x: { kind: ext-container }
  links:
    - type: veth
      endpoints: [{ node: a, interface: eth1, mac: "02:00:00:00:00:0a" }, { node: b, interface: eth1 }]
      mtu: 1500
    - endpoints: ["a:eth2", "br1:a-eth2"]
    - endpoints: ["a:eth3", "host:some_very_long_host_name"]
    - endpoints: ["b:eth2", "mgmt-net:b-eth2"]
    - endpoints: ["b:eth3", "macvlan:eth0"]
    - type: dummy
      endpoint: { node: a, interface: dum0 }
    - endpoints: ["x:eth1", "b:eth4"]
`);
  const [veth, bridge, host, mgmt, macvlan, dummy, ext] = t.clab!.links.map((l) => linkCommands(l, cx));

  it('veth between nodes: both ends born in their namespaces with name, MTU and MAC', () => {
    assert.deepEqual(veth!.host, ['link add name eth1 netns 101 mtu 1500 address 02:00:00:00:00:0a type veth peer name eth1 netns 102 mtu 1500']);
    assert.deepEqual([...veth!.ns], [[101, ['link set eth1 up']], [102, ['link set eth1 up']]]);
    assert.deepEqual(veth!.hostIfs, []);
  });

  it('bridge, host and mgmt-net ends live in the host namespace (bridge and mgmt-net enslaved), default MTU 9500', () => {
    assert.deepEqual(bridge!.host, ['link add name eth2 netns 101 mtu 9500 type veth peer name a-eth2 mtu 9500', 'link set a-eth2 master br1', 'link set a-eth2 up']);
    const short = hostIfName('some_very_long_host_name');
    assert.match(short, /^clab-[0-9a-f]{8}$/);
    assert.deepEqual(host!.host, [`link add name eth3 netns 101 mtu 9500 type veth peer name ${short} mtu 9500`,
      `link property add dev ${short} altname some_very_long_host_name`, `link set ${short} up`]);
    assert.deepEqual(mgmt!.host.slice(1), ['link set b-eth2 master br-mgmt', 'link set b-eth2 up']);
    assert.deepEqual(mgmt!.hostIfs, ['b-eth2']);
  });

  it('macvlan on a host interface, dummy inside the node, external container ends by its PID', () => {
    assert.deepEqual(macvlan!.host, ['link add link eth0 name eth3 netns 102 mtu 9500 type macvlan mode bridge']);
    assert.deepEqual(dummy!.host, []);
    assert.deepEqual([...dummy!.ns], [[101, ['link add name dum0 mtu 9500 type dummy', 'link set dum0 up']]]);
    assert.deepEqual(linkCommands(t.clab!.links[5]!, { ...cx, dummyKind: 'ifb' }).ns.get(101)![0], 'link add name dum0 mtu 9500 type ifb');
    assert.deepEqual(ext!.host, ['link add name eth1 netns 201 mtu 9500 type veth peer name eth4 netns 102 mtu 9500']);
  });
});

describe('containerlab link addresses', () => {
  it('brief ipv4/ipv6 lists and endpoint ipv4 are added in each end\'s namespace (host ends on the host)', () => {
    const t = topo(`  nodes:\n    a: { kind: linux }\n    b: { kind: linux }\n  links:
    - endpoints: ["a:eth1", "b:eth1"]\n      ipv4: [10.0.0.1/30, 10.0.0.2/30]\n      ipv6: ["fd00::1/64", "fd00::2/64"]
    - type: host\n      endpoint: { node: a, interface: eth2, ipv4: 10.1.0.1/24 }\n      host-interface: a-eth2
`);
    const [l1, l2] = t.clab!.links.map((l) => linkCommands(l, cx));
    assert.deepEqual(l1!.ns.get(101), ['link set eth1 up', 'addr add 10.0.0.1/30 dev eth1', 'addr add fd00::1/64 dev eth1']);
    assert.deepEqual(l1!.ns.get(102), ['link set eth1 up', 'addr add 10.0.0.2/30 dev eth1', 'addr add fd00::2/64 dev eth1']);
    assert.deepEqual(l2!.ns.get(101), ['link set eth2 up', 'addr add 10.1.0.1/24 dev eth2']);
  });
});

describe('containerlab bridge inside a node', () => {
  it('<bridge>|<node>: the port is born in the node and enslaved to the bridge there', () => {
    const t = topo('  nodes:\n    a: { kind: linux }\n    b: { kind: linux }\n    br0|a: { kind: bridge }\n  links:\n    - endpoints: ["b:eth1", "br0|a:p1"]\n');
    assert.deepEqual(t.clab!.nodeBridges, [{ bridge: 'br0', node: 'a' }]);
    const c = linkCommands(t.clab!.links[0]!, cx);
    assert.deepEqual(c.host, ['link add name eth1 netns 102 mtu 9500 type veth peer name p1 netns 101 mtu 9500']);
    assert.deepEqual(c.ns.get(101), ['link set p1 master br0', 'link set p1 up']);
    assert.deepEqual(c.hostIfs, []);
  });
});

describe('containerlab container spec', () => {
  const t = topo(`  nodes:
    l1:
      kind: linux
      image: alpine:3
      ports: ["8080:80", "127.0.0.1:5353:53/udp"]
      memory: 1G
      cpu: 1.5
      mgmt-ipv4: 172.20.20.9
      aliases: [l1.lab]
      restart-policy: "no"
      binds: ["__clabNodeDir__/cfg:/cfg:ro"]
      healthcheck: { test: [CMD-SHELL, "true"], interval: 2, retries: 1 }
    l2: { kind: linux, image: alpine:3, network-mode: container:l1 }
    l3: { kind: linux, network-mode: host }
    l4: { kind: linux, auto-remove: true, cgroupns-mode: host }
    sr: { kind: damc-sr }
`);
  const spec = (n: string, labImage = false) => clabContainerSpec(t, t.nodes.get(n)!, '/labs/t', '/proj', { image: labImage ? 'damc-node:x' : 'alpine:3', labImage }, (o) => `clab-t-${o}`);

  it('a linux node: containerlab name and labels, its image\'s own CMD, mgmt network with static address, ports, limits, healthcheck', () => {
    const s = spec('l1');
    assert.equal(s.name, 'clab-t-l1');
    assert.equal(s.labels['clab-node-name'], 'l1');
    assert.equal(s.extra!.omitCmd, true);
    assert.deepEqual(s.extra!.network, { name: 'clab', ipv4: '172.20.20.9', aliases: ['l1.lab'] });
    assert.deepEqual(s.extra!.ports, { '80/tcp': [{ HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }] });
    assert.equal(s.extra!.memoryBytes, 2 ** 30);
    assert.equal(s.extra!.nanoCpus, 1.5e9);
    assert.equal(s.extra!.restartPolicy, 'no');
    assert.deepEqual(s.extra!.healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 2e9, Retries: 1 });
    assert.deepEqual(s.binds, ['/labs/t/l1/cfg:/cfg:ro']);
    assert.equal(s.extra!.tty, true);
  });

  it('on the lab image a node runs the kind\'s command; network modes container: and host share, with no hostname', () => {
    assert.equal(spec('l1', true).extra!.omitCmd, false);
    assert.deepEqual(spec('l1', true).cmd, ['sleep', 'infinity']);
    assert.equal(spec('l2').extra!.networkMode, 'container:clab-t-l1');
    assert.equal(spec('l2').extra!.noHostname, true);
    assert.equal(spec('l3').extra!.networkMode, 'host');
  });

  it('a DAMC node: off the management network, with the project, its config and DAMC\'s sysctls', () => {
    const s = spec('sr', true);
    assert.equal(s.extra!.networkMode, 'none');
    assert.ok(s.binds.includes('/proj:/opt/damc:ro'));
    assert.equal(s.sysctls['net.ipv4.ip_forward'], '0');
    assert.equal(s.env.DAMC_NODE, 'sr');
  });

  it('auto-remove instead of the linux default restart policy; cgroupns-mode passed on; both restart and auto-remove refused', () => {
    assert.equal(spec('l4').extra!.autoRemove, true);
    assert.equal(spec('l4').extra!.restartPolicy, undefined);
    assert.equal(spec('l4').extra!.cgroupnsMode, 'host');
    assert.equal(spec('l3').extra!.restartPolicy, 'always');
    assert.throws(() => topo(`  nodes:\n    a: { kind: linux, auto-remove: true, restart-policy: always }\n`), /CLAB_CONFLICT|auto-remove and restart-policy: always/);
    assert.throws(() => topo(`  nodes:\n    a: { kind: linux, cgroupns-mode: shared }\n`), /cgroupns-mode/);
  });

  it('sizes in Docker units', () => {
    assert.deepEqual(['512', '64k', '1G', '1.5GB', '2gib'].map((x) => bytes(x, 'n', 'memory')), [512, 65536, 2 ** 30, 1.5 * 2 ** 30, 2 * 2 ** 30]);
  });
});
