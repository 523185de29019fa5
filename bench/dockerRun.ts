// The `docker run -d` that Berth's session start is measured against (bench/sessions.ts, bench/cli.ts).
import { BERTH_VERSION } from '../src/core/version.js';
import { containerOptions } from '../src/core/sessions/hardening.js';
import { sessionLabels } from '../src/core/sessions/labels.js';
import { buildSpec } from '../src/core/sessions/spec.js';
import { defaultSettings } from '../src/core/sessions/settings.js';
import { invokingUser } from '../src/core/sessions/user.js';

/** The docker CLI flags that make the same container Berth makes for a shell session, read off Berth's own create options. */
export function dockerRunArgs(workspace: string, image: string): string[] {
  const settings = { ...defaultSettings(), image };
  const spec = buildSpec({ workspace, agent: 'shell' }, settings, { invoker: invokingUser(), secrets: {}, insideContainer: true });
  const options = containerOptions(spec, { name: 'x', labels: sessionLabels(spec, 'baseline', new Date(), BERTH_VERSION) });
  const host = options.HostConfig!;
  return [
    'run', '-d', '--init', '--user', options.User!, '--workdir', options.WorkingDir!,
    '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges:true', '--read-only',
    ...Object.entries(host.Tmpfs!).flatMap(([path, opts]) => ['--tmpfs', `${path}:${opts}`]),
    '--pids-limit', String(host.PidsLimit), '--memory', String(host.Memory), '--memory-swap', String(host.MemorySwap),
    '--cpus', String(spec.limits.cpus), '--network', 'none', '-v', host.Binds![0]!,
    '--log-driver', host.LogConfig!.Type!, ...Object.entries(host.LogConfig!.Config ?? {}).flatMap(([key, value]) => ['--log-opt', `${key}=${value}`]),
    ...options.Env!.flatMap((env) => ['-e', env]),
    ...Object.entries(options.Labels!).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    image, ...options.Cmd!,
  ];
}
