import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { BerthCore } from '../coreLoader.js';
import { clipEvent, transcriptPage, type FollowState } from './transcriptHtml.js';

type TranscriptEvent = BerthCore.TranscriptEvent;

/**
 * Where one run of `session.logs --transcript --follow` reports (the shape of the command
 * adapter's EventSink): events as they come, then the end; `signal` stops the run.
 */
export interface TranscriptSink {
  readonly signal: AbortSignal;
  emitEvent(event: unknown): void;
  end(outcome: { error?: string }): void;
}

/** Host to webview. */
export type TranscriptMessage = { type: 'events'; start: number; events: TranscriptEvent[] } | ({ type: 'state' } & FollowState);

/** Events reach the webview at most this often: one message and one layout per batch, however fast the agent writes. */
const FLUSH_MS = 80;

/**
 * The transcript of one session in a webview panel, one panel per session. The panel keeps every
 * event (each string bounded, see clipEvent) in the extension host, so the webview need not be
 * retained while hidden: each time it loads it says `ready` and is sent everything again.
 */
export class TranscriptPanel implements vscode.Disposable {
  private static readonly panels = new Map<string, TranscriptPanel>();

  /** Opens the panel of a session, or brings its open one to the front. */
  static show(extensionUri: vscode.Uri, sessionId: string, title: string = sessionId.slice(0, 12)): TranscriptPanel {
    const open = TranscriptPanel.panels.get(sessionId);
    if (open) {
      open.panel.reveal();
      return open;
    }
    const created = new TranscriptPanel(extensionUri, sessionId, title);
    TranscriptPanel.panels.set(sessionId, created);
    return created;
  }

  private readonly panel: vscode.WebviewPanel;
  private readonly events: TranscriptEvent[] = [];
  private state: FollowState = { state: 'following' };
  private stateSent = false;
  /** How many events the webview that is loaded now has been sent; undefined until it says it is ready. */
  private sent: number | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  /** The run that fills the panel now; a newer one replaces it. */
  private current: AbortController | undefined;
  /** Aborted when the person closes the panel: every run stops with it. */
  private readonly closed = new AbortController();
  private readonly subscriptions: vscode.Disposable[] = [];

  private constructor(
    extensionUri: vscode.Uri,
    readonly sessionId: string,
    title: string,
  ) {
    const media = vscode.Uri.joinPath(extensionUri, 'media', 'transcript');
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    this.panel = vscode.window.createWebviewPanel('berth.transcript', `Transcript ${title}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      // A transcript is searched as much as read.
      enableFindWidget: true,
      localResourceRoots: [media, dist],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'berth.svg');
    const { webview } = this.panel;
    webview.html = transcriptPage({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'transcript.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'transcript.css')).toString(),
      title: sessionId.startsWith(title) ? sessionId : `${title} · ${sessionId}`,
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((message: { type?: unknown }) => {
        if (message?.type !== 'ready') return;
        this.sent = 0;
        this.stateSent = false;
        this.flush();
      }),
      // A hidden webview is torn down; until the next one says it is ready, nothing is posted.
      this.panel.onDidChangeViewState(() => {
        if (!this.panel.visible) this.sent = undefined;
      }),
      this.panel.onDidDispose(() => this.closedByPerson()),
    );
  }

  /**
   * A sink for one run of `session.logs --transcript --follow`. A run reads the log from its
   * start, so when the panel already holds events (Show Transcript again, after an error or on an
   * open panel), the new run replaces the old one (whose signal is aborted and whose calls are
   * ignored from then on) and skips the events the panel already has.
   */
  follow(): TranscriptSink {
    this.current?.abort();
    const run = new AbortController();
    this.current = run;
    const signal = AbortSignal.any([run.signal, this.closed.signal]);
    const live = () => this.current === run && !signal.aborted;
    let seen = 0;
    this.setState({ state: 'following' });
    return {
      signal,
      emitEvent: (event) => {
        if (!live() || seen++ < this.events.length) return;
        this.events.push(clipEvent(event as TranscriptEvent));
        this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
      },
      end: (outcome) => {
        if (!live()) return;
        this.current = undefined;
        this.setState(outcome.error ? { state: 'failed', error: outcome.error } : { state: 'ended' });
      },
    };
  }

  dispose(): void {
    this.panel.dispose();
  }

  private setState(state: FollowState): void {
    this.state = state;
    this.stateSent = false;
    this.flush();
  }

  /** Sends what the loaded webview lacks: the new events, then the state if it changed. */
  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.sent === undefined) return;
    if (this.sent < this.events.length) {
      this.post({ type: 'events', start: this.sent, events: this.events.slice(this.sent) });
      this.sent = this.events.length;
    }
    if (!this.stateSent) this.post({ type: 'state', ...this.state });
    this.stateSent = true;
  }

  private post(message: TranscriptMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private closedByPerson(): void {
    clearTimeout(this.flushTimer);
    this.closed.abort();
    TranscriptPanel.panels.delete(this.sessionId);
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
