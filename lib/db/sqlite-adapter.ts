/**
 * The SQLite driver adapter the app uses: Prisma's better-sqlite3 adapter, tuned for a server.
 * better-sqlite3 runs each statement, its commit and any lock wait synchronously on the app's only
 * JS thread, so what SQLite waits for, every request waits for. Two things follow from that.
 *
 * No `server-only`: tsx scripts and Vitest use it through lib/db/create-client.ts.
 */
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";

/**
 * Run on every connection:
 * - `journal_mode = WAL`: in the default rollback-journal mode each commit creates, syncs and
 *   deletes a journal file (≈ 1.4 ms of blocked thread per commit on the bench machine, 0.02 ms in
 *   WAL), and a reader in another connection (a second instance, a script) blocks every writer
 *   until it finishes. In WAL, readers and the writer don't block each other. The mode is stored in
 *   the file, so this is a no-op after the first connection.
 * - `synchronous = NORMAL`: WAL's recommended level; the database stays consistent after a crash
 *   or power loss, and a power loss (not a process crash) may undo the last commits.
 */
const SQLITE_CONNECTION_PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

/** The most statement time one turn of the event loop spends before it lets other I/O in. */
const SQLITE_TURN_MS = 2;

/**
 * Statements run in turns: at most SQLITE_TURN_MS of them per event-loop iteration, FIFO.
 *
 * Without this, a statement "resolves" at once, so a request's whole handler, every query included,
 * runs inside the I/O callback that delivered it, and one loop iteration runs every ready request
 * to the end. Under load on the bench that was 0.5 s per iteration; libuv accepted one new
 * connection per iteration, so requests on new connections waited up to a minute in the kernel's
 * accept queue (the SQLite-only user-auth tail in BENCHMARKS.md) while PostgreSQL, whose queries
 * do yield, had none. Turns keep iterations short, so accepts, timers and reads keep flowing.
 *
 * While a transaction is open the turns are held (see PrismaBetterSqlite3ForServers).
 */
class StatementTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;
  private held = false;

  run<T>(statement: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => void statement().then(resolve, reject));
      this.schedule();
    });
  }

  hold() {
    this.held = true;
  }

  release() {
    this.held = false;
    this.schedule();
  }

  private schedule() {
    if (this.scheduled || this.held || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(this.turn);
  }

  private readonly turn = () => {
    this.scheduled = false;
    const deadline = performance.now() + SQLITE_TURN_MS;
    while (!this.held && this.waiting.length > 0) {
      this.waiting.shift()!();
      if (performance.now() >= deadline) break;
    }
    // Statements queued by what these ones resolve (the handlers' next queries) wait for the next turn.
    this.schedule();
  };
}

export class PrismaBetterSqlite3ForServers extends PrismaBetterSqlite3 {
  override async connect() {
    const connection = await super.connect();
    await connection.executeScript(SQLITE_CONNECTION_PRAGMAS);
    const turns = new StatementTurns();
    const queryRaw = connection.queryRaw.bind(connection);
    const executeRaw = connection.executeRaw.bind(connection);
    // Transactions keep their own connection object, so a transaction's statements run back to back.
    connection.queryRaw = (query) => turns.run(() => queryRaw(query));
    connection.executeRaw = (query) => turns.run(() => executeRaw(query));
    // A transaction and every other statement share the one SQLite connection, so a statement from
    // another request that ran while a transaction was open became part of it: it saw the
    // transaction's uncommitted rows, and a rollback silently undid its writes. So the other
    // statements wait until the transaction commits or rolls back (transactions already queue on
    // the adapter's own mutex). Transactions here are short: a few statements, no network calls.
    const startTransaction = connection.startTransaction.bind(connection);
    connection.startTransaction = async (isolationLevel) => {
      const transaction = await startTransaction(isolationLevel);
      turns.hold();
      const commit = transaction.commit.bind(transaction);
      const rollback = transaction.rollback.bind(transaction);
      transaction.commit = () => commit().finally(() => turns.release());
      transaction.rollback = () => rollback().finally(() => turns.release());
      return transaction;
    };
    return connection;
  }
}
