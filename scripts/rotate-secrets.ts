/**
 * `npm run secrets:rotate`: re-encrypts every per-shop provider secret still under ENCRYPTION_KEY_PREVIOUS with
 * ENCRYPTION_KEY (docs/decisions/0002-secrets-at-rest.md). Safe to run while the app serves traffic, and to run
 * again. Prints counts only, never a secret. Exits 1 if some value opens under neither key.
 */
import { getEnv } from "../app/env.server";
import prisma from "../app/db.server";
import { rotateStoredSecrets } from "../app/modules/shop/secrets.server";

const env = getEnv();
if (!env.ENCRYPTION_KEY_PREVIOUS) {
  console.log("ENCRYPTION_KEY_PREVIOUS is not set: every secret is read with ENCRYPTION_KEY alone; checking them.");
}
const report = await rotateStoredSecrets(prisma);
console.log(
  `secrets:rotate: ${report.checked} stored secret(s) checked, ${report.reencrypted} re-encrypted under ENCRYPTION_KEY, ` +
    `${report.unreadable.length} unreadable`,
);
for (const { shop, column } of report.unreadable) console.log(`  unreadable: ${shop} ${column}`);
await prisma.$disconnect();
process.exit(report.unreadable.length > 0 ? 1 : 0);
