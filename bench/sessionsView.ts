// The Sessions view with 200 sessions in the engine: a re-list plus the tree the view renders,
// against a bare `docker ps` of the same containers, and how long an engine event takes to reach
// the tree (the view re-lists 150 ms after the last event of a burst). Needs a Docker engine.
// Run with `npx tsx bench/sessionsView.ts [--sessions N]`.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { LABEL } from '../src/core/sessions/labels.js';
import { sessionsTree } from '../src/extension/sessions/model.js';
import { SessionsRefresh } from '../src/extension/sessions/refresh.js';
import type { Session } from '../src/core/sessions/types.js';
import { BUSYBOX_IMAGE, busyboxImage } from '../test/support/images.js';
import { sessionSandbox } from '../test/support/sessions.js';
import { median, printTable } from './table.js';

const SAMPLES = 11;
const count = Number(process.argv[process.argv.indexOf('--sessions') + 1]) || 200;

async function main() {
  await busyboxImage();
  const box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 0 } });
  try {
    process.stderr.write(`[bench] starting ${count} sessions…\n`);
    for (let i = 0; i < count; i += 10) {
      await Promise.all(Array.from({ length: Math.min(10, count - i) }, () => box.service.start({ workspace: box.workspace, agent: 'shell' }, { origin: 'test' })));
    }

    const dockerPs: number[] = [];
    const relist: number[] = [];
    const render: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      let t0 = performance.now();
      const ps = spawnSync('docker', ['ps', '-a', '--filter', `label=${LABEL.session}`, '--format', '{{.ID}} {{.State}} {{.Labels}}'], { encoding: 'utf8' });
      if (ps.status !== 0) throw new Error(ps.stderr);
      dockerPs.push(performance.now() - t0);
      t0 = performance.now();
      const sessions = await box.service.list({ all: true });
      const t1 = performance.now();
      const tree = sessionsTree(sessions, new Map(), Date.now());
      render.push(performance.now() - t1);
      relist.push(performance.now() - t0);
      if ((tree.grouped ? tree.groups.flatMap((group) => group.items) : tree.items).length < count) throw new Error('sessions missing from the tree');
    }

    // Event to tree: stop one session at a time and wait until the view's list shows it ended.
    const latencies: number[] = [];
    let lastList: Session[] = [];
    let notify: (() => void) | undefined;
    const refresh = new SessionsRefresh(
      { list: () => box.service.list({ all: true }), subscribe: (onEvent, onError) => box.service.subscribe(onEvent, onError) },
      (sessions) => {
        lastList = sessions;
        notify?.();
      },
      (error) => {
        throw error;
      },
      { debounceMs: 150, pollMs: 5000 },
    );
    refresh.setVisible(true);
    await refresh.refresh();
    const running = lastList.filter((session) => session.workspace === box.workspace && session.state === 'running').slice(0, SAMPLES);
    for (const session of running) {
      const seen = new Promise<void>((resolve) => {
        notify = () => {
          if (lastList.find((candidate) => candidate.id === session.id)?.state !== 'running') resolve();
        };
      });
      const t0 = performance.now();
      spawnSync('docker', ['kill', session.name]);
      await seen;
      latencies.push(performance.now() - t0);
    }
    refresh.dispose();

    const ms = (values: number[]) => median(values).toFixed(1);
    printTable(`Sessions view, ${count} sessions in the engine (median of ${SAMPLES}; target: re-list and tree under 100 ms)`, ['step', 'median ms', 'vs docker ps'], [
      ['docker ps -a of the same containers (baseline)', ms(dockerPs), '1.00'],
      ['re-list (engine API) and build the tree', ms(relist), (median(relist) / median(dockerPs)).toFixed(2)],
      ['  of which: building the tree', ms(render), (median(render) / median(dockerPs)).toFixed(2)],
      ['engine event to the tree (docker kill, 150 ms debounce)', ms(latencies), (median(latencies) / median(dockerPs)).toFixed(2)],
    ]);
  } finally {
    process.stderr.write('[bench] removing the sessions…\n');
    await box.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
