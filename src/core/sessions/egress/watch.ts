import { mkdirSync, watch } from 'node:fs';
import { sep } from 'node:path';
import type { Disposable } from '../types.js';
import { DOOR_PID_FILE, REFUSED_FILE } from './doorProcess.js';

/**
 * Calls back with a session's id when what its item shows of egress changes: a door refused a
 * host (its refused.json), a door started or stopped (door.pid), a session's egress folder came or
 * went. None of these is an engine event, so without this a face would learn of a refusal only
 * when something else made it list again. One recursive watch of the egress folder; the record of
 * every request (requests.jsonl) changes with each one and is left out.
 */
export function watchEgress(egressDir: string, onChange: (id: string) => void, onError?: (error: Error) => void): Disposable {
  mkdirSync(egressDir, { recursive: true, mode: 0o700 });
  const watcher = watch(egressDir, { recursive: true, persistent: false }, (_event, file) => {
    const [id, name, ...deeper] = String(file ?? '').split(sep);
    if (!id || deeper.length) return;
    if (name === undefined || name === REFUSED_FILE || name === DOOR_PID_FILE) onChange(id);
  });
  watcher.on('error', (error) => onError?.(error));
  return { dispose: () => watcher.close() };
}
