/**
 * A memo of the directory reads every RCPT makes (isLocalDomain, lookup, getAccountById):
 * on a busy MX the same few domains and accounts are asked for thousands of times a second,
 * and each ask is a statement. One cache per database connection, shared by every store
 * opened on it, and never stale:
 *  - writes through SqlDirectory clear it (before and after the write);
 *  - writes by another connection (the CLI in another process) are seen through `version`:
 *    SQLite's meta('directory_version'), which triggers move with every write to a
 *    directory table (migrations.ts), and then everything goes;
 *  - a read that was in flight while either happened is not kept (the generation moved).
 * Without such a version probe (PostgreSQL, where other nodes write) nothing is cached.
 */

/** Entries kept at most; past it the cache starts over (a dictionary attack of RCPTs). */
const MAX_ENTRIES = 10_000;

export class DirectoryCache {
  private generation = 0;
  private seen: number | null = null;
  private readonly entries = new Map<string, unknown>();

  constructor(private readonly version: () => number) {}

  /** The memo of `key`, or what `load` reads (kept unless something changed meanwhile). */
  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    this.check();
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const generation = this.generation;
    const value = await load();
    this.check();
    if (generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, value);
    }
    return value;
  }

  /** A directory write through this connection: forget everything. */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Runs a directory write, clearing the cache before it and after it settles. */
  async write<T>(run: () => Promise<T>): Promise<T> {
    this.clear();
    try {
      return await run();
    } finally {
      this.clear();
    }
  }

  private check(): void {
    const v = this.version();
    if (v !== this.seen) {
      this.seen = v;
      this.clear();
    }
  }
}
