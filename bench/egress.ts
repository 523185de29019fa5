// What the egress door costs (issue 15): a 100 MB download and 100 small requests from inside an
// egress session (through its 127.0.0.1 relay, the socket and the door, as CONNECT tunnels like
// Claude Code's HTTPS), side by side with the same from a --network host session straight to the
// server, alternating in the same run. Loopback only: the test hook maps the name to the server.
// `npx tsx bench/egress.ts`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOperationCatalog } from '../src/core/catalog.js';
import { silentContext } from '../src/core/operations.js';
import type { Session } from '../src/core/sessions/types.js';
import { AGENT_IMAGE, agentImage } from '../test/support/images.js';
import { sessionSandbox } from '../test/support/sessions.js';
import { median, printTable } from './table.js';

const BIG = 100 * 1024 * 1024;
const SMALL_REQUESTS = 100;
const ROUNDS = 5;

async function main(): Promise<void> {
  await agentImage();
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const server = createServer((req, res) => {
    if (req.url === '/big') {
      res.writeHead(200, { 'Content-Length': BIG });
      let sent = 0;
      const more = () => {
        while (sent < BIG) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    } else res.end('ok\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const box = await sessionSandbox({ settings: { image: AGENT_IMAGE, egressUpstreams: { 'bench.test': `127.0.0.1:${port}` }, egressAllow: ['bench.test'] } });
  const ops = createOperationCatalog({ sessions: box.service });
  const ctx = () => silentContext('test', box.workspace);
  try {
    const egress = (await ops.invoke('session.start', { workspace: box.workspace, agent: 'shell', network: 'egress' }, ctx())) as Session;
    const host = (await ops.invoke('session.start', { workspace: box.workspace, agent: 'shell', network: 'host' }, ctx())) as Session;
    const curl = async (session: Session, args: string) =>
      ((await ops.invoke('session.exec', { id: session.id, command: ['sh', '-c', `curl -sS ${args}`] }, ctx())) as { stdout: string; stderr: string }).stdout;
    const paths = {
      egress: { session: egress, url: (path: string) => `--proxytunnel http://bench.test:443${path}` },
      host: { session: host, url: (path: string) => `--noproxy '*' http://127.0.0.1:${port}${path}` },
    };
    const speeds: Record<'egress' | 'host', number[]> = { egress: [], host: [] };
    const latencies: Record<'egress' | 'host', number[]> = { egress: [], host: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ['egress', 'host'] as const) {
        const { session, url } = paths[kind];
        speeds[kind].push(Number(await curl(session, `-o /dev/null -w '%{speed_download}' ${url('/big')}`)) / 1024 ** 2);
        // One curl, many URLs: each request's own time, without a process start between them.
        const urls = Array.from({ length: SMALL_REQUESTS }, (_, i) => url(`/small${i}`)).join(' -o /dev/null ');
        const times = (await curl(session, `-w '%{time_total}\\n' -o /dev/null ${urls}`)).trim().split('\n').map(Number);
        latencies[kind].push(median(times) * 1000);
      }
    }
    const speed = { egress: median(speeds.egress), host: median(speeds.host) };
    const latency = { egress: median(latencies.egress), host: median(latencies.host) };
    printTable(`A 100 MB download and ${SMALL_REQUESTS} small requests (median of ${ROUNDS} rounds, alternating)`, ['path', 'MB/s', 'vs host', 'request ms (median)', 'added ms'], [
      ['--network host, straight to the server', speed.host.toFixed(0), '1.00', latency.host.toFixed(2), ''],
      ['egress: relay, socket, door (CONNECT)', speed.egress.toFixed(0), (speed.egress / speed.host).toFixed(2), latency.egress.toFixed(2), (latency.egress - latency.host).toFixed(2)],
    ]);
    printTable('Goals', ['goal', 'measured', 'met'], [
      ['throughput at least 0.8x --network host', `${(speed.egress / speed.host).toFixed(2)}x`, speed.egress / speed.host >= 0.8 ? 'yes' : 'NO'],
      ['at most 2 ms added per request', `${(latency.egress - latency.host).toFixed(2)} ms`, latency.egress - latency.host <= 2 ? 'yes' : 'NO'],
    ]);
  } finally {
    await box.cleanup();
    server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
