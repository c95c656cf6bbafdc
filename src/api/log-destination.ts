/**
 * The server's log destination: pino lines gathered in memory and handed to pino's SonicBoom destination (which
 * writes asynchronously and deals with partial writes, EAGAIN and the flush at exit) in chunks of ~16 KiB, at least
 * every 500 ms, and synchronously when the process exits. A SIGKILL can lose the last unwritten lines (at most 500 ms
 * of them).
 *
 * Why not SonicBoom's own minLength buffering: it appends each line to one growing string and measures that string's
 * UTF-8 length on every write (which flattens it: a copy of the whole buffer per line), and 4 KiB writes cost an
 * asynchronous write (thread-pool hand-off) every ~20 requests. Here a line costs an array push; a chunk is joined once.
 */
import { destination } from 'pino';

const CHUNK_CHARS = 16 * 1024;
const FLUSH_EVERY_MS = 500;

type SonicBoom = ReturnType<typeof destination>;

/** What pino writes to: `write(line)`, plus the flushes pino and the server call. */
export class ChunkedLogStream {
  private parts: string[] = [];
  private chars = 0;

  constructor(private readonly sonic: SonicBoom) {}

  write(line: string): boolean {
    this.parts.push(line);
    this.chars += line.length;
    if (this.chars >= CHUNK_CHARS) this.pass();
    return true;
  }

  /** Hands the gathered lines to SonicBoom as one string (written asynchronously). */
  pass(): void {
    if (this.chars === 0) return;
    const chunk = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.chars = 0;
    this.sonic.write(chunk);
  }

  /** pino's logger.flush(): starts writing what is gathered. */
  flush(cb?: (err?: Error) => void): void {
    this.pass();
    this.sonic.flush(cb);
  }

  /** Writes everything gathered now, synchronously. */
  flushSync(): void {
    this.pass();
    this.sonic.flushSync();
  }
}

/** Flushes of the open destinations, run at exit (one process listener for all: tests start many servers). */
const atExit = new Set<() => void>();
process.once('exit', () => {
  // The gathered lines go out too (pino's own exit hook only flushes what SonicBoom already has).
  for (const flush of atExit) flush();
});

export function bufferedLogDestination(dest: number | string): { stream: ChunkedLogStream; flushNow(): void; stop(): void } {
  const sonic = destination({ dest, sync: false, minLength: 0 });
  const stream = new ChunkedLogStream(sonic);
  const tick = () => {
    try {
      stream.pass();
    } catch {
      clearInterval(timer); // destroyed
    }
  };
  const timer = setInterval(tick, FLUSH_EVERY_MS);
  timer.unref();
  const flushNow = () => {
    try {
      stream.flushSync();
    } catch {
      // not open yet or a write in flight: the lines go out with it, with the timer or at exit
    }
  };
  atExit.add(flushNow);
  return {
    stream,
    /** Writes what is gathered now, synchronously. */
    flushNow,
    /** Writes what is gathered and stops the timer (the stream stays open: it may be stdout). */
    stop() {
      clearInterval(timer);
      atExit.delete(flushNow);
      flushNow();
    },
  };
}
