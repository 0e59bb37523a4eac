import { PrismaLibSQL } from "@prisma/adapter-libsql";
import type { Client, InStatement, ResultSet, Transaction, TransactionMode } from "@libsql/client";

/**
 * Prisma's libsql adapter with one SQLite connection per process, transactions included.
 *
 * @libsql/client gives each transaction the client's connection and opens a new one for the next query; the
 * transaction keeps the old one, and nothing closes it after COMMIT, so every Prisma transaction left a native
 * connection behind until garbage collection (a 2,000-line import batch grew the process by hundreds of MB) and
 * paid for a fresh connection and re-prepared statements afterwards. Prisma's adapter already runs nothing else on
 * the client while a transaction is open (it holds the client's lock from BEGIN to COMMIT/ROLLBACK), so the
 * transaction can use the same connection: BEGIN, its statements, COMMIT, on the one connection.
 */
class SingleConnectionClient {
  private inner: Client;
  /** A statement failed with SQLITE_BUSY / SQLITE_LOCKED: replace the connection once no transaction is open. */
  private stale = false;
  private inTransaction = false;
  private closedByCaller = false;

  constructor(private readonly open: () => Client) {
    this.inner = open();
  }

  get closed(): boolean {
    return this.inner.closed;
  }

  get protocol(): string {
    return this.inner.protocol;
  }

  /**
   * libsql does not reset a statement that failed with SQLITE_BUSY (another connection held the write lock: a
   * backup, the sqlite3 shell, a second process): until it is garbage-collected the connection stays inside that
   * statement's transaction, so later writes are never committed (nobody else sees them, a crash loses them), the
   * write lock is never released, and COMMIT fails with "SQL statements in progress". The only way out is a new
   * connection: taken at once, or when the transaction in progress ends.
   */
  private async run<T>(work: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await work(this.inner);
    } catch (error) {
      if (isLockError(error)) {
        this.stale = true;
        if (!this.inTransaction) this.replace();
      }
      throw error;
    }
  }

  private replace(): void {
    this.stale = false;
    if (this.closedByCaller) return;
    const old = this.inner;
    this.inner = this.open();
    try {
      old.close();
    } catch {
      // already closed
    }
  }

  execute(statement: InStatement): Promise<ResultSet> {
    return this.run((client) => client.execute(statement));
  }

  batch(statements: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> {
    return this.run((client) => client.batch(statements, mode));
  }

  executeMultiple(sql: string): Promise<void> {
    return this.run((client) => client.executeMultiple(sql));
  }

  async transaction(mode: TransactionMode = "write"): Promise<Transaction> {
    await this.execute(
      mode === "read" ? "BEGIN TRANSACTION READONLY" : mode === "deferred" ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE",
    );
    this.inTransaction = true;
    let open = true;
    const finish = async (sql: "COMMIT" | "ROLLBACK") => {
      if (!open) return;
      open = false;
      try {
        await this.run((client) => client.execute(sql));
      } catch (error) {
        // A COMMIT that failed leaves the transaction open on the connection, and every later BEGIN would fail:
        // roll it back (the caller is told the transaction failed).
        if (sql === "COMMIT") await this.inner.execute("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        this.inTransaction = false;
        if (this.stale) this.replace();
      }
    };
    const transaction = {
      execute: (statement: InStatement) => this.run((client) => client.execute(statement)),
      batch: async (statements: InStatement[]) => {
        const results: ResultSet[] = [];
        for (const statement of statements) results.push(await this.run((client) => client.execute(statement)));
        return results;
      },
      // The client's executeMultiple rolls back any open transaction when it ends: never inside one.
      executeMultiple: () => Promise.reject(new Error("executeMultiple is not available inside a transaction")),
      commit: () => finish("COMMIT"),
      rollback: () => finish("ROLLBACK").catch(() => undefined),
      close: () => {
        void finish("ROLLBACK").catch(() => undefined);
      },
      get closed() {
        return !open;
      },
    };
    return transaction as unknown as Transaction;
  }

  sync(): Promise<unknown> {
    return this.inner.sync();
  }

  close(): void {
    this.closedByCaller = true;
    this.inner.close();
  }
}

/** SQLITE_BUSY, SQLITE_LOCKED and their extended codes (SQLITE_BUSY_SNAPSHOT...). */
function isLockError(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

export class SingleConnectionLibSQL extends PrismaLibSQL {
  override createClient(config: Parameters<PrismaLibSQL["createClient"]>[0]): Client {
    return new SingleConnectionClient(() => super.createClient(config)) as unknown as Client;
  }
}
