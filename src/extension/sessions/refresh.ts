// When the Sessions view re-lists, without VS Code: the engine's events only say that something
// changed and the list is the truth (as microsoft/vscode-containers' RefreshManager does); it
// listens only while the view is visible, and polls slowly while the event stream is down.

export interface Subscription {
  dispose(): void;
}

export interface RefreshSource<T> {
  list(): Promise<T>;
  /** Engine events; `onError` hears when the stream is lost (it reconnects by itself). */
  subscribe(onEvent: () => void, onError: (error: Error) => void): Promise<Subscription>;
}

export interface RefreshOptions {
  /** Events within this window cause one re-list. */
  debounceMs: number;
  /** How often to re-list while the event stream is down. */
  pollMs: number;
}

export class SessionsRefresh<T> {
  private visible = false;
  private subscription: Subscription | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private listing: Promise<void> | undefined;
  private again = false;
  private subscribing = false;
  private disposed = false;

  constructor(
    private readonly source: RefreshSource<T>,
    private readonly onList: (result: T) => void,
    private readonly onError: (error: unknown) => void,
    private readonly options: RefreshOptions,
  ) {}

  /** The view was shown or hidden: listen only while someone looks. */
  setVisible(visible: boolean): void {
    if (visible === this.visible || this.disposed) return;
    this.visible = visible;
    if (visible) {
      void this.listen();
      void this.refresh();
    } else {
      this.stopListening();
    }
  }

  /** Re-lists now (after a command, on Refresh); a re-list asked for while one runs follows it. */
  refresh(): Promise<void> {
    if (this.listing) {
      this.again = true;
      return this.listing;
    }
    this.listing = (async () => {
      try {
        do {
          this.again = false;
          try {
            const result = await this.source.list();
            if (this.disposed) return;
            this.onList(result);
            // The engine answers again after the stream was lost for good: listen anew.
            if (this.visible && !this.subscription && !this.subscribing) void this.listen();
          } catch (error) {
            if (!this.disposed) this.onError(error);
          }
        } while (this.again && !this.disposed);
      } finally {
        this.listing = undefined;
      }
    })();
    return this.listing;
  }

  private async listen(): Promise<void> {
    this.subscribing = true;
    try {
      const subscription = await this.source.subscribe(
        () => {
          this.stopPolling();
          clearTimeout(this.debounce);
          this.debounce = setTimeout(() => void this.refresh(), this.options.debounceMs);
        },
        () => this.startPolling(),
      );
      if (this.visible && !this.disposed) this.subscription = subscription;
      else subscription.dispose();
    } catch (error) {
      this.onError(error);
      this.startPolling();
    } finally {
      this.subscribing = false;
    }
  }

  private startPolling(): void {
    if (this.poll || !this.visible || this.disposed) return;
    this.poll = setInterval(() => void this.refresh(), this.options.pollMs);
  }

  private stopPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }

  private stopListening(): void {
    this.subscription?.dispose();
    this.subscription = undefined;
    clearTimeout(this.debounce);
    this.stopPolling();
  }

  dispose(): void {
    this.disposed = true;
    this.stopListening();
  }
}
