/**
 * Per-statement SQL timing for performance work: with POSTHORN_SQL_STATS=1 in the
 * environment, every statement the SQLite dialect runs is counted and timed, and at exit the
 * 40 costliest (by total time) are written to stderr with their count and mean. Off by
 * default; then record() is never called (the dialect tests `sqlStats` once per statement).
 */
const TOP = 40;

class SqlStats {
  private readonly bySql = new Map<string, { count: number; ns: number }>();

  record(sql: string, ns: number): void {
    const e = this.bySql.get(sql);
    if (e) {
      e.count++;
      e.ns += ns;
    } else this.bySql.set(sql, { count: 1, ns });
  }

  report(): string {
    let ns = 0;
    let count = 0;
    for (const e of this.bySql.values()) {
      ns += e.ns;
      count += e.count;
    }
    const lines = [`SQL: ${(ns / 1e6).toFixed(0)} ms in ${count} statements`];
    for (const [sql, e] of [...this.bySql].sort((a, b) => b[1].ns - a[1].ns).slice(0, TOP)) {
      const mean = e.ns / e.count / 1e3;
      lines.push(`${(e.ns / 1e6).toFixed(0).padStart(7)} ms ${String(e.count).padStart(8)}× ${mean.toFixed(0).padStart(5)} µs  ${sql.replace(/\s+/g, ' ').slice(0, 200)}`);
    }
    return lines.join('\n') + '\n';
  }
}

export const sqlStats: SqlStats | null = process.env.POSTHORN_SQL_STATS ? new SqlStats() : null;
if (sqlStats) process.on('exit', () => process.stderr.write(sqlStats.report()));
