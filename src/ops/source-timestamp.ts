/**
 * Parsing an object's source-last-updated timestamp with the type's SourceLastUpdatedTimestampFormat.
 * AWS documents the format as a Java SimpleDateFormat pattern; the supported letters are
 * yyyy yy MM M dd d HH H mm m ss s SSS S (fraction) Z (+hhmm) X XX XXX (Z / +hh / +hhmm / +hh:mm) and quoted literals
 * ('T'). Special formats: `epoch_seconds` / `epoch_millis` (case-insensitive). Times without a zone are UTC.
 */
export type TimestampParser = (value: string) => number | undefined;

const cache = new Map<string, TimestampParser>();

export function timestampParser(format: string): TimestampParser {
  let p = cache.get(format);
  if (!p) {
    p = compile(format);
    cache.set(format, p);
  }
  return p;
}

/** Throws an Error with a readable message when the pattern uses letters we do not support. */
export function checkTimestampFormat(format: string): void {
  compile(format);
}

type Part = 'y4' | 'y2' | 'M' | 'd' | 'H' | 'm' | 's' | 'S' | 'zone';

function compile(format: string): TimestampParser {
  const lower = format.toLowerCase();
  if (lower === 'epoch_seconds' || lower === 'epoch_millis') {
    const mult = lower === 'epoch_seconds' ? 1000 : 1;
    return (v) => (/^-?\d+(\.\d+)?$/.test(v.trim()) ? Math.round(Number(v.trim()) * mult) : undefined);
  }
  let re = '^';
  const parts: Part[] = [];
  let i = 0;
  while (i < format.length) {
    const ch = format[i];
    if (ch === "'") {
      const end = format.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in timestamp format '${format}'`);
      const lit = end === i + 1 ? "'" : format.slice(i + 1, end);
      re += lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = end + 1;
      continue;
    }
    let n = 1;
    while (format[i + n] === ch) n++;
    const run = ch.repeat(n);
    if (/[a-zA-Z]/.test(ch)) {
      switch (ch) {
        case 'y': re += n === 2 ? '(\\d{2})' : '(\\d{4})'; parts.push(n === 2 ? 'y2' : 'y4'); break;
        case 'M': if (n > 2) throw new Error(`month names ('${run}') are not supported in timestamp formats`); re += n === 2 ? '(\\d{2})' : '(\\d{1,2})'; parts.push('M'); break;
        case 'd': re += n === 2 ? '(\\d{2})' : '(\\d{1,2})'; parts.push('d'); break;
        case 'H': re += n === 2 ? '(\\d{2})' : '(\\d{1,2})'; parts.push('H'); break;
        case 'm': re += n === 2 ? '(\\d{2})' : '(\\d{1,2})'; parts.push('m'); break;
        case 's': re += n === 2 ? '(\\d{2})' : '(\\d{1,2})'; parts.push('s'); break;
        case 'S': re += `(\\d{${n}})`; parts.push('S'); break;
        case 'Z': case 'X': re += '(Z|[+-]\\d{2}(?::?\\d{2})?)'; parts.push('zone'); break;
        default: throw new Error(`pattern letter '${ch}' is not supported in timestamp formats`);
      }
    } else {
      re += run.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    i += n;
  }
  const regex = new RegExp(re + '$');
  return (value) => {
    const m = regex.exec(value.trim());
    if (!m) return undefined;
    let y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0, ms = 0, offsetMin = 0;
    parts.forEach((part, k) => {
      const v = m[k + 1];
      switch (part) {
        case 'y4': y = Number(v); break;
        case 'y2': y = 2000 + Number(v); break;
        case 'M': mo = Number(v); break;
        case 'd': d = Number(v); break;
        case 'H': h = Number(v); break;
        case 'm': mi = Number(v); break;
        case 's': s = Number(v); break;
        case 'S': ms = Math.round(Number(`0.${v}`) * 1000); break;
        case 'zone': {
          if (v === 'Z') break;
          const sign = v[0] === '-' ? -1 : 1;
          const digits = v.slice(1).replace(':', '');
          offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
        }
      }
    });
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
    const t = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
    return Number.isFinite(t) ? t : undefined;
  };
}
