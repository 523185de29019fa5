import { resolve } from 'node:path';
import { describeError } from '../errors.js';
import type { Progress } from '../operations.js';
import { VaultIndex } from './index.js';
import type { VaultReport } from './reportSchema.js';

export type LiveVaultState = { kind: 'scanning' } | { kind: 'ready'; report: VaultReport } | { kind: 'failed'; message: string };

/** How long changes are gathered before the index takes them; one save often fires several events. */
const DEBOUNCE_MS = 250;

/**
 * One vault kept current while a face watches it: one full scan, then per-file updates, batched
 * so that a burst of changes costs one report. A face forwards what it sees (file events, unsaved
 * editor text) and listens for new states; it never touches the index itself.
 */
export class LiveVault {
  private index: VaultIndex;
  private current: LiveVaultState = { kind: 'scanning' };
  private readonly listeners = new Set<(state: LiveVaultState) => void>();
  /** Paths waiting for the next batch, with the editor's text where it differs from the disk. */
  private readonly pending = new Map<string, { text?: string }>();
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private scanning: Promise<void> | undefined;

  readonly root: string;

  constructor(
    root: string,
    private exclude: readonly string[],
    private readonly onDispose: () => void = () => undefined,
  ) {
    this.root = resolve(root);
    this.index = new VaultIndex(this.root, { exclude });
  }

  get state(): LiveVaultState {
    return this.current;
  }

  onChange(listener: (state: LiveVaultState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The index once its scan has finished, as up to date as the last batch. */
  async ready(): Promise<VaultIndex> {
    if (this.current.kind === 'scanning') await (this.scanning ?? this.rescan());
    if (this.current.kind === 'failed') await this.rescan();
    return this.index;
  }

  /** A fresh index and a full scan: at start, when the exclude globs change, on request. */
  rescan(options: { exclude?: readonly string[]; onProgress?: (update: Progress) => void; signal?: AbortSignal } = {}): Promise<void> {
    if (options.exclude) this.exclude = [...options.exclude];
    const generation = ++this.generation;
    this.pending.clear();
    clearTimeout(this.timer);
    // Made before the scan, so that changes arriving during it queue behind it, in order.
    const index = new VaultIndex(this.root, { exclude: this.exclude });
    this.index = index;
    this.publish({ kind: 'scanning' });
    const scan = index.scan({ ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.signal ? { signal: options.signal } : {}) }).then(
      (report) => {
        if (generation === this.generation) this.publish({ kind: 'ready', report });
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        const { message, hint } = describeError(error);
        this.publish({ kind: 'failed', message: hint ? `${message} ${hint}` : message });
      },
    );
    this.scanning = scan;
    return scan;
  }

  /** A file or folder changed, appeared or went; `text` is a note's unsaved editor content. */
  changed(path: string, text?: string): void {
    if (!this.index.relativePath(path)) return;
    this.pending.set(path, text === undefined ? {} : { text });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), DEBOUNCE_MS);
  }

  private async flush(): Promise<void> {
    const index = this.index;
    const batch = [...this.pending];
    this.pending.clear();
    try {
      // update() reads the disk for paths without text, and drops paths that no longer exist.
      await Promise.all(batch.map(([path, { text }]) => index.update(path, text)));
    } catch {
      // Only a vault folder that vanished or became unreadable fails here; the scan says why.
      if (index === this.index) void this.rescan();
      return;
    }
    if (index === this.index && this.current.kind !== 'scanning') this.publish({ kind: 'ready', report: index.report() });
  }

  private publish(state: LiveVaultState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.generation++;
    this.listeners.clear();
    this.onDispose();
  }
}

/**
 * The vaults a face keeps live (the extension: its workspace folder), shared with the operations
 * so that a health check or a fix reads the live index instead of scanning again.
 */
export class Vaults {
  private readonly live = new Map<string, LiveVault>();

  /** Starts keeping `root` live; the face disposes what it gets. */
  open(root: string, exclude: readonly string[]): LiveVault {
    const vault: LiveVault = new LiveVault(root, exclude, () => {
      if (this.live.get(vault.root) === vault) this.live.delete(vault.root);
    });
    this.live.set(vault.root, vault);
    return vault;
  }

  /** The live vault at `root`, if a face keeps one. */
  get(root: string): LiveVault | undefined {
    return this.live.get(resolve(root));
  }

  /** The index of `root`: the live one, or a fresh scan. */
  async index(root: string, options: { exclude: readonly string[]; signal?: AbortSignal; onProgress?: (update: Progress) => void }): Promise<VaultIndex> {
    const live = this.get(root);
    if (live) return live.ready();
    const index = new VaultIndex(root, { exclude: options.exclude });
    await index.scan({ ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    return index;
  }
}
