import type { Limits } from '../sessions/types.js';

/** What one probe's command printed inside the session. */
export interface ProbeRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** What the host knows, to compare the session's view against. */
export interface ProbeContext {
  /** A process on the host (Berth's own) that a session with its own PID namespace cannot see. */
  hostPid: number;
  /** A file made on the host beside the workspace, outside every mount. */
  hostMarker: string;
  /** The limits the session was started with. */
  limits: Limits;
}

export interface IsolationRow {
  id: 'pid' | 'uid' | 'capabilities' | 'rootfs' | 'hostPaths' | 'network' | 'pidsLimit' | 'memoryLimit';
  check: string;
  tried: string;
  observed: string;
  passed: boolean;
}

export interface Probe {
  id: IsolationRow['id'];
  check: string;
  /** A POSIX sh script: busybox and Debian both run it. */
  script(context: ProbeContext): string;
  tried(context: ProbeContext): string;
  judge(run: ProbeRun, context: ProbeContext): { observed: string; passed: boolean };
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const firstLine = (text: string) => text.trim().split('\n')[0]?.trim() ?? '';
/** A cgroup v1 memory limit at or above this is the kernel's "unlimited" (PAGE_COUNTER_MAX pages). */
const UNLIMITED_V1 = 2 ** 62;

/** The numbers `ls /proc` lists: the processes the session can see. */
export function visiblePids(stdout: string): number[] {
  return stdout
    .split(/\s+/)
    .filter((word) => /^\d+$/.test(word))
    .map(Number)
    .sort((a, b) => a - b);
}

/** Interface names from /proc/net/dev (two header lines, then `name: counters`). */
export function interfaces(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => /^\s*([^\s:]+):/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** The limit a cgroup file states, v2 (`max` or a number) or v1 (a number, huge for none); undefined when there is none. */
export function cgroupLimit(text: string): number | undefined {
  const value = text.trim();
  if (!/^\d+$/.test(value)) return undefined;
  const number = Number(value);
  return number >= UNLIMITED_V1 ? undefined : number;
}

/** Reads the first of these cgroup files that exists (v2 first), printing its path then its value. */
const readFirst = (paths: string[]) => `for f in ${paths.join(' ')}; do if [ -r "$f" ]; then echo "$f"; cat "$f"; exit 0; fi; done; echo none; exit 1`;

/**
 * The probes, in the order of the report. Each says what it tried in words a person can check by
 * hand, and judges only what it saw, so that a relaxed session fails exactly the rows it relaxed.
 */
export const PROBES: readonly Probe[] = [
  {
    id: 'pid',
    check: 'PID namespace',
    script: () => 'ls /proc',
    tried: (c) => `listed /proc inside, looking for pid ${c.hostPid} (this Berth process on the host)`,
    judge(run, c) {
      const pids = visiblePids(run.stdout);
      if (run.exitCode !== 0 || pids.length === 0) return { observed: `could not list /proc (exit ${run.exitCode}): ${firstLine(run.stderr)}`, passed: false };
      const shown = pids.length > 8 ? `${pids.slice(0, 8).join(', ')}, …` : pids.join(', ');
      const sees = pids.includes(c.hostPid);
      return { observed: `${pids.length} process${pids.length === 1 ? '' : 'es'} visible (${shown}); pid ${c.hostPid} ${sees ? 'visible' : 'absent'}`, passed: !sees };
    },
  },
  {
    id: 'uid',
    check: 'User not root',
    script: () => 'id -u',
    tried: () => 'ran id -u',
    judge(run) {
      const uid = firstLine(run.stdout);
      if (run.exitCode !== 0 || !/^\d+$/.test(uid)) return { observed: `no uid (exit ${run.exitCode}): ${firstLine(run.stderr)}`, passed: false };
      return { observed: uid === '0' ? 'uid 0: root' : `uid ${uid}`, passed: uid !== '0' };
    },
  },
  {
    id: 'capabilities',
    check: 'No capabilities',
    script: () => 'grep -E "^Cap(Eff|Prm|Bnd|Amb):" /proc/self/status',
    tried: () => 'read CapEff, CapPrm, CapBnd and CapAmb in /proc/self/status',
    judge(run) {
      const sets = Object.fromEntries(run.stdout.split('\n').flatMap((line) => {
        const match = /^(Cap\w+):\s*([0-9a-f]+)/.exec(line.trim());
        return match ? [[match[1]!, match[2]!]] : [];
      }));
      if (!sets.CapEff) return { observed: `no CapEff line (exit ${run.exitCode})`, passed: false };
      const held = Object.entries(sets).filter(([, mask]) => /[1-9a-f]/.test(mask));
      return held.length ? { observed: held.map(([name, mask]) => `${name} ${mask}`).join(', '), passed: false } : { observed: `all zero (CapEff ${sets.CapEff})`, passed: true };
    },
  },
  {
    id: 'rootfs',
    check: 'Root filesystem read-only',
    // Removed again at once when the write went through, so a relaxed image is left as it was.
    script: () => 'if echo probe > /.berth-isolation-probe; then rm -f /.berth-isolation-probe; echo WRITTEN; fi',
    tried: () => 'wrote /.berth-isolation-probe',
    judge(run) {
      if (run.stdout.includes('WRITTEN')) return { observed: 'the write succeeded (then the file was removed)', passed: false };
      return { observed: `refused: ${firstLine(run.stderr).replace(/^.*?: ?(?=[A-Z])/, '') || 'the write failed'}`, passed: true };
    },
  },
  {
    id: 'hostPaths',
    check: 'Host files invisible',
    script: (c) => `if [ -e ${quote(c.hostMarker)} ]; then echo PRESENT; else echo ABSENT; fi`,
    tried: (c) => `looked for ${c.hostMarker}, a file made on the host beside the workspace`,
    judge(run) {
      if (run.stdout.includes('PRESENT')) return { observed: 'present: the session sees the host beyond its mount', passed: false };
      if (!run.stdout.includes('ABSENT')) return { observed: `the test did not run (exit ${run.exitCode}): ${firstLine(run.stderr)}`, passed: false };
      return { observed: 'absent', passed: true };
    },
  },
  {
    id: 'network',
    check: 'No network but loopback',
    script: () => 'cat /proc/net/dev',
    tried: () => 'read the interfaces in /proc/net/dev',
    judge(run) {
      const names = interfaces(run.stdout);
      if (run.exitCode !== 0 || names.length === 0) return { observed: `could not read /proc/net/dev (exit ${run.exitCode}): ${firstLine(run.stderr)}`, passed: false };
      return { observed: `interfaces: ${names.join(', ')}`, passed: names.every((name) => name === 'lo') };
    },
  },
  {
    id: 'pidsLimit',
    check: 'Process limit',
    script: () => readFirst(['/sys/fs/cgroup/pids.max', '/sys/fs/cgroup/pids/pids.max']),
    tried: (c) => `read pids.max of the session's cgroup (started with ${c.limits.pids})`,
    judge(run, c) {
      const [path, value = ''] = run.stdout.trim().split('\n');
      if (run.exitCode !== 0) return { observed: 'no pids.max readable: the limit cannot be checked', passed: false };
      const limit = cgroupLimit(value);
      if (limit === undefined) return { observed: `${path}: ${value.trim()} (no limit)`, passed: false };
      return { observed: `${path}: ${limit}`, passed: limit <= c.limits.pids };
    },
  },
  {
    id: 'memoryLimit',
    check: 'Memory limit',
    script: () => readFirst(['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']),
    tried: (c) => `read the memory limit of the session's cgroup (started with ${Math.round(c.limits.memoryBytes / 1024 ** 2)} MiB)`,
    judge(run, c) {
      const [path, value = ''] = run.stdout.trim().split('\n');
      if (run.exitCode !== 0) return { observed: 'no memory limit file readable: the limit cannot be checked', passed: false };
      const limit = cgroupLimit(value);
      if (limit === undefined) return { observed: `${path}: ${value.trim()} (no limit)`, passed: false };
      return { observed: `${path}: ${Math.round(limit / 1024 ** 2)} MiB`, passed: limit <= c.limits.memoryBytes };
    },
  },
];
