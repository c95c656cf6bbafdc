/**
 * Keeps better-sqlite3's native objects (databases, statements, statement iterators) from ever being garbage
 * collected while their thread runs: on Node 24 a collected one can abort the whole process.
 *
 * Why: Node 24's `node::ObjectWrap` (which better-sqlite3 12 compiles in) registers an environment cleanup hook per
 * object and removes it in the destructor through the isolate's *current* context. When a garbage collection destroys
 * such an object while no context is entered, Node aborts with "Assertion failed: (env) != nullptr"
 * (RemoveEnvironmentCleanupHook; WiseLibs/better-sqlite3#1515, closed without a fix). better-sqlite3 13 moved to
 * N-API and does not have this, but it requires Node >= 22 and this project supports Node 20.
 *
 * So every native object is kept in this thread's list from its creation: it is then destroyed only by Node's own
 * cleanup hooks when the thread (or process) ends, with a context entered. The cost is memory for objects that would
 * otherwise be collected: a closed database and its statements are small (close() frees SQLite's side), and the code
 * makes statements through per-connection caches (SqliteContext.stmt), so the list grows only with connections and
 * the few statements made outside those caches (pragmas at open, a couple per job). Importing this module installs
 * the wrappers once per thread (module state is per thread); src/store/sqlite/database.ts imports it, and so does
 * every other module that opens a database.
 */
import Database from 'better-sqlite3';

// On globalThis (one per thread): a module evaluated again in the same thread (test runners do that) shares the list
// and does not wrap the methods twice.
interface Lifetime { kept: object[]; databases: WeakSet<object>; installed: boolean }
const state: Lifetime = ((globalThis as Record<symbol, unknown>)[Symbol.for('coalesce.betterSqliteLifetime')] ??= {
  kept: [], databases: new WeakSet<object>(), installed: false,
}) as Lifetime;
const kept = state.kept;
const keptDatabases = state.databases;

function keepDatabase(native: object): void {
  if (keptDatabases.has(native)) return;
  keptDatabases.add(native);
  kept.push(native);
}

/** Keeps `obj` until the thread ends. */
function keepNative(obj: object): void {
  kept.push(obj);
}

function install(): void {
  if (state.installed) return;
  state.installed = true;
  // The native Database sits behind a symbol-keyed property of the JS Database; its prototype's prepare() is what
  // the JS prepare(), pragma() and transaction() all call.
  const probe = new Database(':memory:');
  const sym = Object.getOwnPropertySymbols(probe).find((s) => {
    const v = (probe as unknown as Record<symbol, unknown>)[s];
    return typeof v === 'object' && v !== null && typeof (v as { prepare?: unknown }).prepare === 'function';
  });
  if (sym === undefined) throw new Error('better-sqlite3: native database handle not found (unsupported version)');
  const nativeDb = (probe as unknown as Record<symbol, object>)[sym]!;
  const dbProto = Object.getPrototypeOf(nativeDb) as Record<string, (...a: unknown[]) => unknown>;
  const stmt = probe.prepare('SELECT 1') as unknown as object;
  const stmtProto = Object.getPrototypeOf(stmt) as Record<string, (...a: unknown[]) => unknown>;
  keepNative(probe);
  keepNative(stmt);

  const prepare = dbProto.prepare!;
  dbProto.prepare = function keptPrepare(this: object, ...args: unknown[]) {
    keepDatabase(this);
    const s = prepare.apply(this, args) as object;
    kept.push(s);
    return s;
  };
  const exec = dbProto.exec!;
  dbProto.exec = function keptExec(this: object, ...args: unknown[]) {
    keepDatabase(this);
    return exec.apply(this, args);
  };
  const iterate = stmtProto.iterate!;
  stmtProto.iterate = function keptIterate(this: object, ...args: unknown[]) {
    const it = iterate.apply(this, args) as object;
    kept.push(it);
    return it;
  };
}

install();

/** How many native objects this thread keeps (for tests and diagnostics). */
export function keptNativeCount(): number {
  return kept.length;
}
