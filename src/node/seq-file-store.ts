/**
 * The last LSA sequence number, in a file under the node's state dir (it survives a container
 * restart). Written with write-then-rename so a crash mid-write leaves the old value.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeqStore } from '../routing/seq.js';

export class FileSeqStore implements SeqStore {
  readonly path: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'lsa-seq');
  }

  load(): bigint | undefined {
    try {
      const t = readFileSync(this.path, 'utf8').trim();
      return /^\d+$/.test(t) ? BigInt(t) : undefined;
    } catch {
      return undefined;
    }
  }

  save(seq: bigint): void {
    writeFileSync(this.path + '.tmp', `${seq}\n`);
    renameSync(this.path + '.tmp', this.path);
  }
}
