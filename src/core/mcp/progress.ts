import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Progress } from '../operations.js';
import type { Redactor } from './redaction.js';

/** The least time between two progress notifications: an image build reports every line it prints. */
const EVERY_MS = 100;

/**
 * An operation's progress as MCP progress notifications, when the request asked for them (it
 * carries a progressToken). An update that moves the fraction on by a percent is always sent;
 * others at most every EVERY_MS. MCP wants the value to grow with every notification: a fraction
 * is sent as percent, and an update that does not move it forward still moves it a hundredth.
 */
export function progressNotifier(extra: RequestHandlerExtra<ServerRequest, ServerNotification>, redact: Redactor): (update: Progress) => void {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return () => undefined;
  let last = 0;
  let sentAt = 0;
  return (update) => {
    const now = Date.now();
    const percent = update.fraction === undefined ? undefined : update.fraction * 100;
    const moved = percent !== undefined && percent >= last + 1;
    if (extra.signal.aborted || (!moved && now - sentAt < EVERY_MS)) return;
    sentAt = now;
    last = Math.max(percent ?? 0, last + 0.01);
    const total = percent === undefined ? {} : { total: 100 };
    void extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: last, ...total, message: redact.text(update.message) } }).catch(() => undefined);
  };
}
