/** The container of a node of a containerlab-format topology (Docker keys as containerlab sets them). */
import { join } from 'node:path';
import { NODE_CONFIG_PATH } from '../node/config.js';
import { expandMagic, PROJECT_MOUNT, type ResolvedNode, type ResolvedTopology } from '../topology/index.js';
import { LabError } from '../util/errors.js';
import { LABEL_IFACES, LABEL_KIND, LABEL_LAB, LABEL_LABDIR, LABEL_NODE, LABEL_TOPOLOGY, containerNameIn } from './labels.js';
import { NodeImage } from './node-image.js';
import type { ContainerExtra, ContainerSpec } from './runtime.js';

export interface ClabImageChoice {
  /** The image the container runs. */
  image: string;
  /** The node runs on the lab image: its topology image was not available (or it gave none). */
  labImage: boolean;
}

export function clabContainerSpec(topo: ResolvedTopology, n: ResolvedNode, labDir: string, projectDir: string, img: ClabImageChoice,
  resolveContainer: (node: string) => string): ContainerSpec {
  const c = n.clab!;
  const damc = n.kind.name.startsWith('damc-');
  const magic = (s: string) => expandMagic(s, { labDir, lab: topo.name, node: n.name });
  const ifaces: Record<string, string> = {};
  for (const l of topo.clab!.links) {
    for (const [e, p] of [[l.a, l.b], [l.b, l.a]] as const) {
      if (e?.t === 'node' && e.node === n.name) ifaces[e.ifname] = p ? describeEnd(p) : l.type;
      if (e?.t === 'bridge' && e.ns === n.name) ifaces[e.ifname] = `bridge ${e.bridge}` + (p ? ` <- ${describeEnd(p)}` : '');
    }
  }
  const mode = c.networkMode;
  const networkMode = mode === undefined || mode === 'bridge'
    ? (c.mgmt ? topo.clab!.mgmt.network : 'none')
    : mode.startsWith('container:') ? `container:${resolveContainer(mode.slice('container:'.length))}` : mode;
  const shared = networkMode === 'host' || networkMode.startsWith('container:');
  const extra: ContainerExtra = {
    networkMode,
    ...(networkMode === topo.clab!.mgmt.network ? {
      network: { name: networkMode, ...(c.mgmtIpv4 ? { ipv4: c.mgmtIpv4 } : {}), ...(c.mgmtIpv6 ? { ipv6: c.mgmtIpv6 } : {}), aliases: c.aliases },
    } : {}),
    // A node on its own image with no cmd runs the image's CMD; on the lab image, the kind's.
    omitCmd: !img.labImage && n.image !== undefined && !c.cmdGiven,
    tty: !damc,
    ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}),
    // containerlab runs its containers privileged; where dockerd itself runs in a container (as
    // here) that is refused ("unable to apply caps"), so nodes get the network capabilities
    // their exec commands need, and `privileged: true` is passed on only when asked for.
    privileged: c.privileged,
    ...(c.ports.length && !shared ? { ports: portBindings(c.ports, n.name) } : {}),
    ...(c.cpu ? { nanoCpus: Math.round(c.cpu * 1e9) } : {}),
    ...(c.cpuSet ? { cpusetCpus: c.cpuSet } : {}),
    ...(c.memory ? { memoryBytes: bytes(c.memory, n.name, 'memory') } : {}),
    ...(c.shmSize ? { shmSizeBytes: bytes(c.shmSize, n.name, 'shm-size') } : {}),
    ...(c.healthcheck ? {
      healthcheck: {
        Test: c.healthcheck.test,
        ...(c.healthcheck.intervalS !== undefined ? { Interval: c.healthcheck.intervalS * 1e9 } : {}),
        ...(c.healthcheck.timeoutS !== undefined ? { Timeout: c.healthcheck.timeoutS * 1e9 } : {}),
        ...(c.healthcheck.retries !== undefined ? { Retries: c.healthcheck.retries } : {}),
        ...(c.healthcheck.startPeriodS !== undefined ? { StartPeriod: c.healthcheck.startPeriodS * 1e9 } : {}),
      },
    } : {}),
    ...(c.dns ? { dns: c.dns } : {}),
    devices: c.devices.map((d) => {
      const [host = d, inside = host, perm = 'rwm'] = d.split(':');
      return { PathOnHost: host, PathInContainer: inside, CgroupPermissions: perm };
    }),
    tmpfs: Object.fromEntries(c.tmpfs.map((t) => {
      const i = t.indexOf(':');
      return i < 0 ? [t, ''] : [t.slice(0, i), t.slice(i + 1)];
    })),
    ...(c.user !== undefined ? { user: c.user } : {}),
    securityOpt: c.securityOpts,
    ...(c.pidMode ? { pidMode: c.pidMode } : {}),
    ...(c.cgroupParent ? { cgroupParent: c.cgroupParent } : {}),
    ...(c.cgroupnsMode ? { cgroupnsMode: c.cgroupnsMode } : {}),
    ...(c.autoRemove ? { autoRemove: true } : {}),
    noHostname: shared,
  };
  const ifaceList = Object.keys(ifaces);
  return {
    name: containerNameIn(topo, n.name),
    hostname: c.hostname ?? n.name,
    image: img.image,
    ...(c.entrypoint ? { entrypoint: c.entrypoint } : img.labImage ? { entrypoint: NodeImage.entrypoint } : {}),
    cmd: n.cmd,
    env: {
      ...n.env,
      ...(damc ? { DAMC_LAB: topo.name, DAMC_NODE: n.name, DAMC_IFACES: ifaceList.join(' ') } : {}),
    },
    labels: {
      ...n.labels,
      containerlab: topo.name,
      'clab-node-name': n.name,
      'clab-node-kind': n.kind.name,
      'clab-node-lab-dir': join(labDir, n.name),
      ...(topo.file ? { 'clab-topo-file': topo.file } : {}),
      [LABEL_LAB]: topo.name,
      [LABEL_NODE]: n.name,
      [LABEL_KIND]: n.kind.name,
      [LABEL_LABDIR]: labDir,
      [LABEL_IFACES]: JSON.stringify(ifaces),
      ...(topo.file ? { [LABEL_TOPOLOGY]: topo.file } : {}),
    },
    binds: [
      ...(damc ? [`${projectDir}:${PROJECT_MOUNT}:ro`, `${join(labDir, n.name, 'node.json')}:${NODE_CONFIG_PATH}:ro`] : []),
      ...n.binds.map(magic),
      ...c.volumes.map(magic),
    ],
    capAdd: [...new Set(['NET_ADMIN', 'NET_RAW', ...c.capAdd])],
    sysctls: {
      ...(damc && !shared ? { 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1', 'net.ipv4.ip_forward': '0' } : {}),
      ...c.sysctls,
    },
    extra,
  };
}

function describeEnd(e: NonNullable<ResolvedTopology['clab']>['links'][number]['a']): string {
  switch (e.t) {
    case 'node': return `${e.node}:${e.ifname}`;
    case 'ext': return `${e.container}:${e.ifname}`;
    case 'bridge': return `${e.bridge}:${e.ifname}`;
    case 'host': return `host:${e.ifname}`;
    default: return `mgmt-net:${e.ifname}`;
  }
}

/** "[ip:]host:container[/proto]" or "container[/proto]" → Docker PortBindings. */
function portBindings(ports: string[], node: string): Record<string, { HostIp?: string; HostPort: string }[]> {
  const out: Record<string, { HostIp?: string; HostPort: string }[]> = {};
  for (const p of ports) {
    const [spec = '', proto = 'tcp'] = p.split('/');
    const parts = spec.split(':');
    const inside = parts.pop();
    if (!inside || !/^\d+$/.test(inside)) {
      throw new LabError('CLAB_PORT_INVALID', `node ${node}: port '${p}' is not [ip:]hostport:port[/proto]`, 'write ports like "8080:80" or "53:53/udp"');
    }
    const hostPort = parts.pop() ?? '';
    const hostIp = parts.join(':');
    (out[`${inside}/${proto}`] ??= []).push({ ...(hostIp ? { HostIp: hostIp } : {}), HostPort: hostPort });
  }
  return out;
}

/** Docker's size units: 512, 64k, 1G, 1.5GB, 2gib. */
export function bytes(s: string, node: string, key: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(s.trim());
  if (!m) throw new LabError('CLAB_SIZE_INVALID', `node ${node}: ${key} '${s}' is not a size`, 'write sizes like 512m or 1G');
  const mult = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * mult);
}
