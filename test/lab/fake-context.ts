import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeHostNet, FakeRuntime, type LabContext } from '../../src/lab/index.js';

export interface FakeLab { ctx: LabContext; runtime: FakeRuntime; net: FakeHostNet; events: string[] }

export function fakeContext(): FakeLab {
  const runtime = new FakeRuntime();
  const net = new FakeHostNet();
  const events: string[] = [];
  return {
    runtime,
    net,
    events,
    ctx: {
      runtime,
      net,
      image: { ensure: async () => 'damc-node:test' },
      labRoot: mkdtempSync(join(tmpdir(), 't-lab-root-')),
      projectDir: '/work/main',
      concurrency: 4,
      onEvent: (m) => events.push(m),
    },
  };
}
