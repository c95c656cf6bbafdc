/**
 * Splits a byte stream into physical lines, in batches (one per input chunk), with 1-based line numbers.
 * Works on bytes so that invalid UTF-8 is detected per line (instead of silently becoming U+FFFD), strips a
 * leading BOM and a trailing CR (CRLF files), and never buffers more than maxLineBytes of one line: a longer
 * line is reported as an error and skipped up to its newline, so memory stays flat on any input.
 */
import { isUtf8 } from 'node:buffer';

export type Line = { no: number; text: string } | { no: number; error: string };

const LF = 0x0a;
const CR = 0x0d;

export async function* readLines(input: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<Line[]> {
  let no = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversize = false;
  let first = true;

  const finish = (buf: Buffer): Line => {
    no++;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === CR) end--;
    let start = 0;
    if (first) {
      first = false;
      if (end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    const bytes = buf.subarray(start, end);
    if (!isUtf8(bytes)) return { no, error: `invalid UTF-8 at byte ${firstInvalidUtf8(bytes) + 1} of the line` };
    return { no, text: bytes.toString('utf8') };
  };

  /** finish() for a line already decoded (the fast path): same size limit, CR, BOM and numbering. */
  const textLine = (raw: string): Line => {
    no++;
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit, so only long lines need their bytes counted.
    if (raw.length * 3 > maxLineBytes && Buffer.byteLength(raw) > maxLineBytes) {
      first = false;
      return { no, error: `line longer than ${maxLineBytes} bytes` };
    }
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return { no, text };
  };

  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const out: Line[] = [];
    let pos = 0;
    let triedWhole = false;
    while (pos < buf.length) {
      // Fast path, once per chunk (after a line carried over from the previous chunk): when all the complete lines
      // left in the chunk are valid UTF-8 (the usual case), check and decode them with one call each instead of one
      // per line. LF never occurs inside a multi-byte character, so splitting the text equals splitting the bytes.
      if (!triedWhole && !oversize && pending.length === 0) {
        triedWhole = true;
        const last = buf.lastIndexOf(LF);
        const region = last >= pos ? buf.subarray(pos, last) : undefined;
        if (region && isUtf8(region)) {
          for (const text of region.toString('utf8').split('\n')) out.push(textLine(text));
          pos = last + 1;
          continue;
        }
      }
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) {
        if (!oversize) {
          pending.push(buf.subarray(pos));
          pendingBytes += buf.length - pos;
          if (pendingBytes > maxLineBytes) { oversize = true; pending = []; pendingBytes = 0; }
        }
        break;
      }
      if (oversize || pendingBytes + (nl - pos) > maxLineBytes) {
        no++;
        first = false;
        out.push({ no, error: `line longer than ${maxLineBytes} bytes` });
        oversize = false;
      } else if (pending.length) {
        pending.push(buf.subarray(pos, nl));
        out.push(finish(Buffer.concat(pending)));
      } else {
        out.push(finish(buf.subarray(pos, nl)));
      }
      pending = [];
      pendingBytes = 0;
      pos = nl + 1;
    }
    if (out.length) yield out;
  }
  if (oversize) {
    no++;
    yield [{ no, error: `line longer than ${maxLineBytes} bytes` }];
  } else if (pendingBytes > 0) {
    yield [finish(Buffer.concat(pending))];
  }
}

/** Byte offset (0-based) of the first byte that breaks UTF-8 — only called on lines already known to be invalid. */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > b.length || !isUtf8(b.subarray(i, i + n))) return i;
    i += n;
  }
  return i;
}
