import path from "node:path";
import { validate } from "graphql";
import { describe, expect, it } from "vitest";
import { subsetSchema } from "../support/emulator";
import { checkBulkQuery } from "../support/emulator/bulk";
import { loadAppGraphqlDocuments } from "../support/emulator/documents";
import {
  describeFullSchemaPath,
  findDeprecatedUsages,
  isAllowedDeprecatedUsage,
  loadFullSchema,
} from "../support/emulator/schema-check";
import { ROOT } from "../support/paths";

/**
 * Every GraphQL document Kindly sends (app/graphql) must be valid against Shopify's Admin API 2026-01 and use nothing
 * deprecated there, and must be servable by the shop emulator (valid against its subset schema). The first check
 * needs Shopify's full schema beside the repository and is skipped, saying so, when it is absent; the second always runs.
 */

const documents = await loadAppGraphqlDocuments();
const full = loadFullSchema();
const fullPath = describeFullSchemaPath(ROOT);
const label = (doc: (typeof documents)[number]) =>
  `${doc.file} ${doc.exportName}${doc.operationName ? ` (${doc.operationName})` : " (bulk query)"}`;

describe("app/graphql documents", () => {
  it("hold one named operation per file, named after the file", () => {
    expect(documents.length).toBeGreaterThan(0);
    const byFile = new Map<string, string[]>();
    for (const doc of documents) {
      if (doc.operationName) byFile.set(doc.file, [...(byFile.get(doc.file) ?? []), doc.operationName]);
    }
    for (const [file, names] of byFile) expect(names, file).toEqual([path.basename(file, path.extname(file))]);
  });

  for (const doc of documents) {
    it(`${label(doc)} validates against the emulator's subset schema`, () => {
      expect(validate(subsetSchema(), doc.document).map((error) => error.message)).toEqual([]);
      // An anonymous document is a bulk query passed as a variable: it must also follow the bulk rules.
      if (!doc.operationName) {
        const checked = checkBulkQuery(subsetSchema(), doc.source);
        expect(checked.ok ? "ok" : checked.message).toBe("ok");
      }
    });
  }
});

describe.skipIf(!full)(
  full
    ? `app/graphql documents against Shopify's Admin API 2026-01 (${fullPath})`
    : `app/graphql documents against Shopify's Admin API 2026-01 (skipped: ${fullPath} not found)`,
  () => {
    for (const doc of documents) {
      it(`${label(doc)} is valid and uses nothing deprecated`, () => {
        expect(validate(full!, doc.document).map((error) => error.message)).toEqual([]);
        const deprecated = findDeprecatedUsages(full!, doc.document).filter(
          (usage) => !isAllowedDeprecatedUsage(usage, full!),
        );
        expect(deprecated.map((usage) => `line ${usage.line}: ${usage.coordinate} (${usage.reason})`)).toEqual([]);
      });
    }

    it("the deprecation walk finds deprecated fields, arguments, input fields and enum values", async () => {
      const { parse } = await import("graphql");
      const probe = parse(`
      query Probe($id: ID!) {
        customer(id: $id) { email image(size: 10) { url } }
        orders(first: 1) { nodes { totalPrice } }
        metafieldDefinitions(first: 1, ownerType: MEDIA_IMAGE) { nodes { id } }
      }
      mutation ProbeDiscount($id: ID!) {
        discountCodeBasicUpdate(id: $id, basicCodeDiscount: { customerSelection: { all: true } }) { userErrors { message } }
      }
    `);
      const coordinates = findDeprecatedUsages(full!, probe).map((usage) => usage.coordinate);
      expect(coordinates).toEqual(
        expect.arrayContaining([
          "Customer.email",
          "Customer.image(size:)",
          "Order.totalPrice",
          "MetafieldOwnerType.MEDIA_IMAGE",
          "DiscountCodeBasicInput.customerSelection",
        ]),
      );
    });
  },
);
