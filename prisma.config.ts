import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaLibSQL } from "@prisma/adapter-libsql";

// Prisma runs without binary engines here: the wasm query compiler at run time and the wasm
// schema engine (through the libsql adapter) for migrations. See docs/decisions/0001-stack.md.
// The schema reads env("DATABASE_URL"); without it Prisma falls back to asking for a binary engine.
process.env.DATABASE_URL ??= "file:./prisma/dev.sqlite";
const url = process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  schema: path.join("prisma", "schema.prisma"),
  engine: "js",
  adapter: async () => new PrismaLibSQL({ url }),
});
