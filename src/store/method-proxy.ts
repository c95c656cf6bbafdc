/**
 * Store methods that the store wrappers leave unwrapped (bound to the store as they are): synchronous reads of an
 * in-memory cache that never write and touch no table (so no SQLite condition to translate, no commit to report).
 * GetIdentityResolutionJob's polls go through `cachedJob` without a wrapper layer or a `total_changes()` query.
 */
export const UNWRAPPED_METHODS: ReadonlySet<PropertyKey> = new Set<PropertyKey>(['cachedJob']);

/**
 * Routes every method call of an object through `call`: returns an object whose prototype is `target` and which has
 * one own wrapper per method of `target` (and of its prototype chain), made once here. Fields and getters (e.g. a
 * store's `db`) are read through the prototype. (A Proxy did the same with a `get` trap on every property read,
 * which cost about a microsecond per store call on the API's hot path.) Methods added to `target` later are not
 * wrapped: the stores are complete when wrapped.
 */
export function wrapMethods<T extends object>(
  target: T,
  call: (method: (...args: unknown[]) => unknown, target: T, args: unknown[]) => unknown,
): T {
  const wrapper = Object.create(target) as T;
  const seen = new Set<PropertyKey>();
  for (let o: object | null = target; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const prop of Reflect.ownKeys(o)) {
      if (prop === 'constructor' || seen.has(prop)) continue;
      seen.add(prop);
      const value = Object.getOwnPropertyDescriptor(o, prop)!.value as unknown;
      if (typeof value !== 'function') continue; // getters and fields stay on the prototype chain
      const method = value as (...args: unknown[]) => unknown;
      const w = UNWRAPPED_METHODS.has(prop) ? method.bind(target) : (...args: unknown[]) => call(method, target, args);
      Object.defineProperty(wrapper, prop, { value: w, writable: true, configurable: true, enumerable: false });
    }
  }
  return wrapper;
}
