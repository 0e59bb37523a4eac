import net from "node:net";

/**
 * A loopback TCP proxy for fault tests: listens on 127.0.0.1 (an ephemeral port) and pipes every connection to
 * `target` (e.g. the PostgreSQL server of the test file's DATABASE_URL), so a test can take the database away
 * from the processes that connect through it and give it back, while the test itself keeps its direct connection.
 *
 * - `down()`: the listener closes, so new connections are refused (ECONNREFUSED, what a database host that went
 *   away looks like), and every open connection is destroyed on both sides (queries in flight fail, pooled
 *   connections die).
 * - `up()`: listens again on the same port; new connections reach the target again.
 *
 * Loopback only: the target must be 127.0.0.1, ::1 or localhost.
 */
export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string;
  isUp(): boolean;
  down(): Promise<void>;
  up(): Promise<void>;
  /** Connections accepted since the start, refused ones not counted. */
  accepted(): number;
  /** Open connections now. */
  open(): number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "[::1]", "localhost"]);

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  if (!LOOPBACK.has(target.host)) throw new Error(`tcp-proxy: loopback targets only (got ${target.host})`);
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let up = false;
  let port = 0;

  const server = net.createServer((client) => {
    accepted += 1;
    const upstream = net.connect({ host: target.host, port: target.port });
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop);
    upstream.on("error", drop);
    client.on("close", drop);
    upstream.on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.on("error", () => undefined);

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: "127.0.0.1", port, exclusive: true }, () => {
        server.off("error", reject);
        port = (server.address() as net.AddressInfo).port;
        up = true;
        resolve();
      });
    });
  await listen();

  const down = async () => {
    if (!up) return;
    up = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await closed;
  };

  return {
    get port() {
      return port;
    },
    rewrite(url: string) {
      const parsed = new URL(url);
      parsed.hostname = "127.0.0.1";
      parsed.port = String(port);
      return parsed.toString();
    },
    isUp: () => up,
    down,
    up: async () => {
      if (!up) await listen();
    },
    accepted: () => accepted,
    open: () => sockets.size / 2,
    close: down,
  };
}
