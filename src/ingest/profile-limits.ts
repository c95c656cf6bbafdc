/**
 * The profile's value constraints, read from the service model (CreateProfileRequest) so that imported rows obey
 * exactly what CreateProfile would accept: length 1–255 (AdditionalInformation 1–1000), the PartyType / Gender /
 * ProfileType enums, address members 1–255, Attributes keys and values 1–255.
 */
import { readFileSync } from 'node:fs';
import { ADDRESS_FIELDS, ADDRESS_MEMBERS, SCALAR_FIELDS } from '../model/profile.js';

export interface ValueLimit { min: number; max: number; enum?: readonly string[] }

interface ModelShape { type: string; min?: number; max?: number; enum?: string[]; members?: Record<string, { shape: string }>; key?: { shape: string }; value?: { shape: string } }

function loadShapes(): Record<string, ModelShape> {
  const url = new URL('../../model/customer-profiles-2020-08-15.service.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { shapes: Record<string, ModelShape> }).shapes;
}

function limitOf(shapes: Record<string, ModelShape>, name: string): ValueLimit {
  const s = shapes[name]!;
  return { min: s.min ?? 0, max: s.max ?? Number.MAX_SAFE_INTEGER, ...(s.enum ? { enum: s.enum } : {}) };
}

function build() {
  const shapes = loadShapes();
  const req = shapes.CreateProfileRequest!.members!;
  const byPath = new Map<string, ValueLimit>();
  for (const f of SCALAR_FIELDS) byPath.set(f, limitOf(shapes, req[f]!.shape));
  for (const a of ADDRESS_FIELDS) {
    const addr = shapes[req[a]!.shape]!.members!;
    for (const m of ADDRESS_MEMBERS) byPath.set(`${a}.${m}`, limitOf(shapes, addr[m]!.shape));
  }
  const attrs = shapes[req.Attributes!.shape]!;
  return { byPath, attributeKey: limitOf(shapes, attrs.key!.shape), attributeValue: limitOf(shapes, attrs.value!.shape) };
}

let cached: ReturnType<typeof build> | undefined;
const limits = () => (cached ??= build());

/** The limit for a profile path, or undefined when the path is not a profile field. */
export function limitForPath(path: string): ValueLimit | undefined {
  if (path.startsWith('Attributes.')) {
    const key = path.slice('Attributes.'.length);
    const k = limits().attributeKey;
    return key.length >= k.min && key.length <= k.max ? limits().attributeValue : undefined;
  }
  return limits().byPath.get(path);
}

/** Every fixed profile path (scalars and address members), for matching column names. */
export function profilePaths(): string[] {
  return [...limits().byPath.keys()];
}

/** Why a (non-empty) value breaks the limit, or undefined when it is acceptable. */
export function checkValue(value: string, limit: ValueLimit): string | undefined {
  if (limit.enum && !limit.enum.includes(value)) return `must be one of ${limit.enum.join(', ')}`;
  if (value.length > limit.max) {
    const chars = [...value].length; // the model counts characters, not UTF-16 units
    if (chars > limit.max) return `is ${chars} characters long; at most ${limit.max} allowed`;
  }
  if (value.length < limit.min) return `is shorter than ${limit.min} characters`;
  return undefined;
}
