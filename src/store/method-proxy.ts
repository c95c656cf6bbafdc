/** A Proxy that routes every method call of an object through `call` (one wrapper per method, made on first use). */
export function wrapMethods<T extends object>(
  target: T,
  call: (method: (...args: unknown[]) => unknown, target: T, args: unknown[]) => unknown,
): T {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (typeof value !== 'function' || prop === 'constructor') return value;
      let w = wrappers.get(prop);
      if (!w) {
        const method = value as (...args: unknown[]) => unknown;
        w = (...args: unknown[]) => call(method, t, args);
        wrappers.set(prop, w);
      }
      return w;
    },
  });
}
