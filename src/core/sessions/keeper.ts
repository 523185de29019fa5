import type { Origin } from '../operations.js';
import type { ReconcileOutcome, SessionService } from './service.js';
import type { Disposable } from './types.js';

/** After an engine event, how long to wait for more before reconciling once: a prune is many events. */
const EVENT_DEBOUNCE_MS = 2000;

/**
 * What a long-lived face (a VS Code window, `berth mcp serve`) does for sessions: has its
 * service renew the owner's lease, and keeps the engine in line with the policies: it reconciles when
 * it starts, after engine events, and on a timer for what only time changes (a lease going stale,
 * a retention period passing).
 */
export class SessionKeeper implements Disposable {
  private events: Disposable | undefined;
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private disposed = false;

  constructor(
    private readonly service: SessionService,
    private readonly origin: Origin,
    private readonly report: { acted?(outcomes: ReconcileOutcome[]): void; failed?(error: unknown): void } = {},
  ) {}

  async start(): Promise<void> {
    await this.service.holdOwnLease();
    await this.reconcile();
    this.events = await this.service.subscribe(() => this.soon(), (error) => this.report.failed?.(error)).catch((error: unknown) => {
      this.report.failed?.(error);
      return undefined;
    });
    const every = Math.max(5, this.service.settings().leaseGraceSeconds / 2) * 1000;
    this.timer = setInterval(() => void this.reconcile(), every);
    this.timer.unref();
    if (this.disposed) this.dispose();
  }

  private soon(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.reconcile(), EVENT_DEBOUNCE_MS);
    this.debounce.unref();
  }

  /** One pass at a time: a pass asked for while one runs waits for it, then runs. */
  reconcile(): Promise<void> {
    const previous = this.running ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.disposed) return;
      try {
        const outcomes = await this.service.reconcile({ origin: this.origin });
        if (outcomes.length) this.report.acted?.(outcomes);
      } catch (error) {
        this.report.failed?.(error);
      }
    });
    this.running = next;
    return next;
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    this.events?.dispose();
  }
}
