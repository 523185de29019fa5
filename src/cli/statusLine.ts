import { printable } from '../core/text.js';

const ERASE_LINE = '\r\u001b[2K';

/**
 * One line of a terminal that progress rewrites in place. It never wraps (a wrapped line would
 * leave its first rows behind at the next carriage return), and it is erased before anything else
 * is written, so that output and warnings never share a row with it.
 */
export class StatusLine {
  private visible = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly columns: () => number,
  ) {}

  show(text: string): void {
    const width = Math.max(2, this.columns() - 1);
    const chars = [...printable(text)];
    const line = chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : chars.join('');
    this.write(`${ERASE_LINE}${line}`);
    this.visible = true;
  }

  clear(): void {
    if (!this.visible) return;
    this.write(ERASE_LINE);
    this.visible = false;
  }
}
