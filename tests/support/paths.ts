import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const TMP_DIR = path.join(ROOT, "tests", ".tmp");
/** Shopify's reference material lives beside the repository, never inside it. */
export const SHARED_DIR = process.env.KINDLY_SHARED_DIR ?? path.resolve(ROOT, "..", "shared");
