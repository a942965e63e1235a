/** The SG's registrar built from its node config: which faces go to pods and which to its SPA. */
import type { Face } from '../../face/face.js';
import type { Scheduler } from '../../routing/clock.js';
import type { Logger } from '../../util/log.js';
import type { AuthResponse, PrefixEntry } from '../../wire/index.js';
import type { Name } from '../../wire/name.js';
import { DEFAULT_SERVICE_TIMERS, type NodeConfig, type NodeInterfaceConfig } from '../config.js';
import { Registrar as Core } from './registrar.js';

export { REGISTRAR_COUNTERS, type RegistrarCounters, type RejectionView } from './registrar.js';

/** An SG's links that carry class 1 and 3: to its pods and its SPA (never routing). */
export function serviceInterfaces(cfg: NodeConfig): NodeInterfaceConfig[] {
  return cfg.kind === 'damc-sg' ? cfg.interfaces.filter((i) => i.peerKind === 'damc-pod' || i.peerKind === 'damc-spa') : [];
}

export class Registrar extends Core {
  constructor(cfg: NodeConfig, gateway: Name, faces: readonly Face[], scheduler: Scheduler, log: Logger, advertise: (e: PrefixEntry[]) => void,
    relayed?: (m: AuthResponse) => boolean) {
    const byName = new Map(faces.map((f) => [f.ifname, f]));
    const podFaces = new Map<string, Face>();
    let spaFace: Face | undefined;
    for (const i of serviceInterfaces(cfg)) {
      const f = byName.get(i.name);
      if (!f) continue;
      if (i.peerKind === 'damc-pod') podFaces.set(i.peerNode, f);
      else spaFace ??= f;
    }
    super({
      gateway, scheduler, log, podFaces, ...(spaFace ? { spaFace } : {}), podKeys: cfg.podKeys ?? {}, spaKeys: cfg.spaKeys ?? {},
      timers: cfg.serviceTimers ?? DEFAULT_SERVICE_TIMERS, advertise, ...(relayed ? { relayed } : {}),
    });
  }
}
