/**
 * The baseline for the ingest benchmark: the least a webhook endpoint can do, on the same machine and database
 * engine: a bare node:http server that checks the HMAC and inserts one row into SQLite through libsql.
 */
import http from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createClient } from "@libsql/client";

const secret = process.env.SHOPIFY_API_SECRET ?? "bench-secret";
const db = createClient({ url: process.env.DATABASE_URL ?? "file:bench/.tmp/baseline.sqlite" });
await db.execute("CREATE TABLE IF NOT EXISTS deliveries (id INTEGER PRIMARY KEY, event_id TEXT UNIQUE, body TEXT)");

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", async () => {
    const body = Buffer.concat(chunks);
    const expected = createHmac("sha256", secret).update(body).digest();
    const given = Buffer.from(String(request.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      response.writeHead(401).end();
      return;
    }
    await db.execute({
      sql: "INSERT OR IGNORE INTO deliveries (event_id, body) VALUES (?, ?)",
      args: [String(request.headers["x-shopify-event-id"]), body.toString("utf8")],
    });
    response.writeHead(200).end();
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : ""}`);
});
