/**
 * Store errors as AWS errors, so that no store condition reaches a client as a 500:
 * a foreign-key failure means the domain vanished between the handler's check and the write (a concurrent
 * DeleteDomain) → ResourceNotFoundException; a busy/locked database after the busy timeout → ThrottlingException
 * (SDKs retry those). Applied to every Repository method by `withStoreErrors` (see method-proxy.ts), whichever area wrote it.
 */
import { AwsError, notFound } from '../errors.js';
import { wrapMethods } from './method-proxy.js';

export function translateStoreError(err: unknown): unknown {
  if (err instanceof AwsError) return err;
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return err;
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return notFound('The domain does not exist (it may have been deleted while this request ran).');
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_LOCKED_')) {
    return new AwsError('ThrottlingException', 'The store is busy; retry the request.');
  }
  return err;
}

export function withStoreErrors<T extends object>(store: T): T {
  return wrapMethods(store, (method, target, args) => {
    try {
      const r = method.apply(target, args);
      return r instanceof Promise ? r.catch((e) => { throw translateStoreError(e); }) : r;
    } catch (e) {
      throw translateStoreError(e);
    }
  });
}
