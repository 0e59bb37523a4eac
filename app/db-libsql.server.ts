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
  constructor(private readonly inner: Client) {}

  get closed(): boolean {
    return this.inner.closed;
  }

  get protocol(): string {
    return this.inner.protocol;
  }

  execute(statement: InStatement): Promise<ResultSet> {
    return this.inner.execute(statement);
  }

  batch(statements: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> {
    return this.inner.batch(statements, mode);
  }

  executeMultiple(sql: string): Promise<void> {
    return this.inner.executeMultiple(sql);
  }

  async transaction(mode: TransactionMode = "write"): Promise<Transaction> {
    const inner = this.inner;
    await inner.execute(
      mode === "read" ? "BEGIN TRANSACTION READONLY" : mode === "deferred" ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE",
    );
    let open = true;
    const finish = async (sql: "COMMIT" | "ROLLBACK") => {
      if (!open) return;
      open = false;
      await inner.execute(sql);
    };
    const transaction = {
      execute: (statement: InStatement) => inner.execute(statement),
      batch: async (statements: InStatement[]) => {
        const results: ResultSet[] = [];
        for (const statement of statements) results.push(await inner.execute(statement));
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
    this.inner.close();
  }
}

export class SingleConnectionLibSQL extends PrismaLibSQL {
  override createClient(config: Parameters<PrismaLibSQL["createClient"]>[0]): Client {
    return new SingleConnectionClient(super.createClient(config)) as unknown as Client;
  }
}
