import pg from "pg";

/**
 * The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL names a server database
 * (postgresql://postgres@127.0.0.1:5432/test). On PostgreSQL the global setup migrates one base database per run,
 * and each test file gets its own database cloned from it (CREATE DATABASE ... TEMPLATE), dropped afterwards.
 */
export function testPostgresUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return undefined;
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`TEST_DATABASE_URL must be a postgresql:// URL (got ${url.split(":")[0]}:...)`);
  }
  return url;
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs statements on the server's admin database (the one TEST_DATABASE_URL names). */
export async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const IDENTIFIER = /^[a-z0-9_]+$/;

export async function createDatabase(url: string, name: string, template?: string): Promise<void> {
  if (!IDENTIFIER.test(name) || (template && !IDENTIFIER.test(template))) throw new Error(`bad database name ${name}`);
  await onServer(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
  });
}

export async function dropDatabases(url: string, prefix: string): Promise<void> {
  if (!IDENTIFIER.test(prefix)) throw new Error(`bad database prefix ${prefix}`);
  await onServer(url, async (client) => {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [
      `${prefix}%`,
    ]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  });
}
