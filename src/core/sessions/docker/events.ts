import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { LABEL, containerName } from '../labels.js';
import type { Disposable, SessionEvent } from '../types.js';

/** What a session view needs to hear; exec_* and health noise are left out. */
const ACTIONS = new Set(['create', 'start', 'die', 'oom', 'stop', 'kill', 'destroy', 'rename', 'pause', 'unpause', 'restart']);

interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

export function toSessionEvent(event: EngineEvent): SessionEvent | undefined {
  const attributes = event.Actor?.Attributes ?? {};
  const id = attributes[LABEL.session];
  const action = event.Action ?? '';
  if (!id || !ACTIONS.has(action)) return undefined;
  // Only the container named for the session is the session: not a copy that carries its labels,
  // and not a warm container until a claim renames it (its rename event carries the new name).
  if (attributes.name !== containerName(id)) return undefined;
  const exitCode = attributes.exitCode === undefined ? NaN : Number(attributes.exitCode);
  return {
    id,
    action,
    time: event.timeNano ? Math.floor(event.timeNano / 1e6) : (event.time ?? 0) * 1000,
    exitCode: Number.isFinite(exitCode) ? exitCode : null,
  };
}

/**
 * Follows the engine's event stream, filtered to Berth's label. When the stream drops (engine
 * restart, network), it reconnects with backoff and asks for the events since the last one it
 * saw, so none is missed.
 */
export function subscribeToEvents(docker: Docker, listener: (event: SessionEvent) => void, onError?: (error: Error) => void): Disposable {
  let disposed = false;
  let stream: Readable | undefined;
  let retry: NodeJS.Timeout | undefined;
  let since = Math.floor(Date.now() / 1000);
  let backoff = 500;

  const connect = async () => {
    try {
      const events = (await docker.getEvents({ since, filters: { type: ['container'], label: [LABEL.session] } })) as Readable;
      if (disposed) {
        events.destroy();
        return;
      }
      stream = events;
      backoff = 500;
      let buffer = '';
      events.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          let parsed: EngineEvent;
          try {
            parsed = JSON.parse(line) as EngineEvent;
          } catch {
            continue;
          }
          if (parsed.time) since = parsed.time;
          const event = toSessionEvent(parsed);
          if (event) listener(event);
        }
      });
      events.on('error', (error: Error) => reconnect(error));
      events.on('end', () => reconnect(new Error('The Docker event stream ended.')));
    } catch (error) {
      reconnect(error instanceof Error ? error : new Error(String(error)));
    }
  };

  const reconnect = (error: Error) => {
    if (disposed || retry) return;
    stream?.destroy();
    stream = undefined;
    onError?.(error);
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, backoff);
    backoff = Math.min(backoff * 2, 30_000);
  };

  void connect();
  return {
    dispose() {
      disposed = true;
      clearTimeout(retry);
      stream?.destroy();
    },
  };
}
