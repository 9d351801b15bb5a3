/** Where progress goes: a terminal gets a bar redrawn in place, a log or a pipe a line per tenth. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  /** `done` of `total` units so far (total may be unknown). */
  update(done: number): void;
  /** Ends the bar's line; the next output starts on a fresh line. */
  finish(): void;
}

export interface ProgressOptions {
  label: string;
  total: number | undefined;
  /** How a count reads, e.g. bytes as `1.2 MB`, rows as `1,234 rows`. */
  format(count: number): string;
}

const WIDTH = 24;
const REDRAW_MS = 100;

export const formatBytes = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1024 ** 2).toFixed(1)} MB`;

export const formatRows = (rows: number): string => `${rows.toLocaleString('en-US')} rows`;

/** A progress bar that never gets in the way: nothing at all when `output` is undefined (`--quiet`). */
export function progressBar(output: ProgressOutput | undefined, options: ProgressOptions): Progress {
  if (!output) return { update() {}, finish() {} };
  const { label, total, format } = options;
  let lastDraw = 0;
  let lastTenth = -1;
  let last = '';

  const describe = (done: number) => {
    if (total === undefined || total === 0) return `${label} ${format(done)}`;
    const ratio = Math.min(1, done / total);
    const filled = Math.round(ratio * WIDTH);
    const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${percent} ${format(done)} of ${format(total)}`;
  };

  return {
    update(done) {
      if (output.isTTY) {
        const now = Date.now();
        if (now - lastDraw < REDRAW_MS && (total === undefined || done < total)) return;
        lastDraw = now;
        last = describe(done).slice(0, (output.columns ?? 80) - 1);
        output.write(`\r${last}\x1b[K`);
        return;
      }
      // Not a terminal: one line each time another tenth is done (or per update without a total).
      const tenth = total ? Math.floor(Math.min(1, done / total) * 10) : done;
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      output.write(`${describe(done)}\n`);
    },
    finish() {
      if (output.isTTY && last) output.write('\n');
    },
  };
}
