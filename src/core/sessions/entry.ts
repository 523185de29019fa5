import { SECRET_DIR } from './secrets.js';

/**
 * What a session's main process does before the agent runs, as a POSIX shell script (every image
 * Berth runs has /bin/sh; nothing else is assumed but `sleep`), ending with `exec "$@"` so that
 * the agent is the process the engine signals and waits for.
 */
const SECRET_FILE = `${SECRET_DIR}/env`;

/** Where a session that ends with its owner finds the owner's lease folder (mounted read-only). */
export const LEASE_PATH = `${SECRET_DIR}/lease`;

/** Waits (bounded) for the secrets, exports them and removes the file (see secrets.ts). */
const WAIT_FOR_SECRETS = [
  'i=0',
  `while [ ! -e ${SECRET_FILE} ]; do`,
  '  i=$((i+1))',
  '  if [ "$i" -gt 600 ]; then echo "berth: the session secrets never arrived" >&2; exit 125; fi',
  '  sleep 0.05',
  'done',
  `set -a; . ${SECRET_FILE}; set +a`,
  `rm -f ${SECRET_FILE}`,
];

export interface Watchdog {
  /** The heartbeat file, as the session sees it. */
  heartbeat: string;
  graceSeconds: number;
  intervalSeconds: number;
  /** Between SIGTERM and SIGKILL of the agent, as for a stop. */
  killAfterSeconds: number;
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * The watchdog runs beside the agent, in the background of the shell that then becomes the agent
 * (so `$$` is the agent's pid). It counts the seconds in which the heartbeat did not change, by its
 * own sleeps: a loaded machine makes the sleeps longer, never the count, so load only makes it more
 * patient. A lease it cannot read at all (a mount that failed, an engine that remaps users) disarms
 * it with a line in the session's output rather than stopping a session whose owner may live.
 */
function watchdog({ heartbeat, graceSeconds, intervalSeconds, killAfterSeconds }: Watchdog): string[] {
  return [
    'berth_watch() {',
    `  lease=${quote(heartbeat)}`,
    '  last=',
    '  if ! read -r last < "$lease"; then',
    '    echo "berth: the owner\'s lease cannot be read: this session will not stop with its owner (its maximum age still applies)" >&2',
    '    return',
    '  fi',
    '  stale=0',
    '  while :; do',
    `    sleep ${intervalSeconds}`,
    '    beat=',
    '    read -r beat < "$lease" 2>/dev/null',
    '    if [ -n "$beat" ] && [ "$beat" != "$last" ]; then last=$beat; stale=0; else',
    `      stale=$((stale+${intervalSeconds}))`,
    `      if [ "$stale" -ge ${graceSeconds} ]; then`,
    `        echo "berth: the session's owner has been gone for $stale s (grace ${graceSeconds} s): stopping the session" >&2`,
    '        kill -TERM "$1" 2>/dev/null',
    `        sleep ${killAfterSeconds}`,
    '        kill -KILL "$1" 2>/dev/null',
    '        return',
    '      fi',
    '    fi',
    '  done',
    '}',
    'berth_watch "$$" </dev/null &',
  ];
}

export interface Forwarder {
  /** The door's socket, as the session sees it. */
  socket: string;
  /** The port on the session's own 127.0.0.1 that the proxy variables name. */
  port: number;
}

/**
 * An egress session has no network but loopback: socat relays its 127.0.0.1 proxy port to the
 * door's socket. The agent starts once the relay listens, so its first request finds it; an image
 * without socat fails the start (exit 126, the line saying why), and nothing is left behind.
 */
function forwarder({ socket, port }: Forwarder): string[] {
  const listening = ` 0100007F:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  return [
    'if ! command -v socat >/dev/null 2>&1; then echo "berth: egress sessions need socat in the image, which relays the proxy port to the door; the default agent image has it (berth image build)" >&2; exit 126; fi',
    `socat -b 262144 TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:${socket} </dev/null >/dev/null 2>&1 &`,
    'i=0',
    `while ! grep -q '${listening}' /proc/net/tcp 2>/dev/null; do`,
    '  i=$((i+1))',
    '  if [ "$i" -gt 200 ]; then echo "berth: the egress relay did not start" >&2; exit 126; fi',
    '  sleep 0.05',
    'done',
  ];
}

/**
 * The argv of a session's main process: the command itself when there is nothing to do first,
 * else the entry script with the command as its arguments.
 */
export function entryCommand(command: string[], options: { secrets: boolean; watchdog?: Watchdog | undefined; forwarder?: Forwarder | undefined }): string[] {
  if (!options.secrets && !options.watchdog && !options.forwarder) return command;
  const script = [
    ...(options.forwarder ? forwarder(options.forwarder) : []),
    ...(options.secrets ? WAIT_FOR_SECRETS : []),
    ...(options.watchdog ? watchdog(options.watchdog) : []),
    'exec "$@"',
  ].join('\n');
  return ['/bin/sh', '-c', script, 'berth-entry', ...command];
}
