import { existsSync, mkdirSync, readdirSync, watch } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join, sep } from 'node:path';
import type { Disposable } from '../types.js';
import { DOOR_PID_FILE, REFUSED_FILE, SOCKET_FOLDER, SOCKET_NAME } from './doorProcess.js';

/**
 * Calls back with a session's id when what its item shows of egress changes: a door refused a
 * host (its refused.json), a door started, stopped or died, a session's egress folder came or
 * went. None of these is an engine event, so without this a face would learn of them only when
 * something else made it list again.
 *
 * One recursive watch of the egress folder hears the records (not requests.jsonl, which changes
 * with every request). A door that is killed leaves its record as it was, so each door's socket
 * is held open: the kernel closes it when the door dies. The door also closes a connection that
 * sends nothing after a while; a reconnect that succeeds tells the two apart.
 */
export function watchEgress(egressDir: string, onChange: (id: string) => void, onError?: (error: Error) => void): Disposable {
  try {
    return watchFolder(egressDir, onChange, onError);
  } catch (error) {
    // A folder that cannot be made or watched: the face learns of egress at its lists only (onError lets it list more often).
    onError?.(error as Error);
    return { dispose: () => undefined };
  }
}

function watchFolder(egressDir: string, onChange: (id: string) => void, onError?: (error: Error) => void): Disposable {
  mkdirSync(egressDir, { recursive: true, mode: 0o700 });
  const held = new Map<string, Socket>();
  let disposed = false;

  const hold = (id: string, tellIfDown: boolean) => {
    if (disposed || held.has(id)) return;
    const socket = connect(join(egressDir, id, SOCKET_FOLDER, SOCKET_NAME));
    held.set(id, socket);
    let connected = false;
    socket.once('connect', () => {
      connected = true;
    });
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (held.get(id) === socket) held.delete(id);
      if (disposed) return;
      // Closed while held: the door died, or timed the idle connection out; the next attempt says which.
      if (connected) hold(id, true);
      else if (tellIfDown) onChange(id);
    });
  };
  const release = (id: string) => {
    held.get(id)?.destroy();
    held.delete(id);
  };

  for (const id of readdirSync(egressDir)) if (existsSync(join(egressDir, id, DOOR_PID_FILE))) hold(id, false);

  const watcher = watch(egressDir, { recursive: true, persistent: false }, (_event, file) => {
    const [id, name, ...deeper] = String(file ?? '').split(sep);
    if (!id || deeper.length) return;
    if (name === undefined && !existsSync(join(egressDir, id))) release(id);
    // A door that starts writes door.pid once it serves its socket.
    if (name === DOOR_PID_FILE && existsSync(join(egressDir, id, DOOR_PID_FILE))) hold(id, false);
    if (name === undefined || name === REFUSED_FILE || name === DOOR_PID_FILE) onChange(id);
  });
  watcher.on('error', (error) => onError?.(error));
  return {
    dispose: () => {
      disposed = true;
      watcher.close();
      for (const id of [...held.keys()]) release(id);
    },
  };
}
