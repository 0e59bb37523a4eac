import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { subsetSchema } from "../support/emulator";
import {
  compareSubsetToFull,
  DEPRECATION_EXCEPTIONS,
  describeFullSchemaPath,
  loadFullSchema,
  schemaHasCoordinate,
} from "../support/emulator/schema-check";
import { ROOT } from "../support/paths";

/**
 * The emulator's SDL must be a faithful subset of Shopify's Admin API 2026-01: otherwise the emulator would accept
 * what Shopify rejects and tests would pass against a fiction. Needs Shopify's full schema beside the repository
 * (../shared/shopify, or SHOPIFY_ADMIN_SCHEMA); without it these checks are skipped, and the title says so.
 */

const full = loadFullSchema();
const fullPath = describeFullSchemaPath(ROOT);

describe("the emulator's subset schema", () => {
  it("builds, with Shopify's root type names", () => {
    const schema = subsetSchema();
    expect(schema.getQueryType()?.name).toBe("QueryRoot");
    expect(schema.getMutationType()?.name).toBe("Mutation");
  });
});

describe.skipIf(!full)(
  full
    ? `the subset against Shopify's full schema (${fullPath})`
    : `the subset against Shopify's full schema (skipped: ${fullPath} not found)`,
  () => {
    it("declares only types, fields, arguments, input fields and enum values that exist, with the same types, none deprecated", () => {
      expect(compareSubsetToFull(subsetSchema(), full!)).toEqual([]);
    });

    it("allows a deprecated member only while Shopify has no successor for it", () => {
      for (const exception of DEPRECATION_EXCEPTIONS) {
        const [typeName, fieldName] = exception.coordinate.split(".");
        const type = full!.getType(typeName);
        const reason = type && "getFields" in type ? type.getFields()[fieldName]?.deprecationReason : undefined;
        expect(reason, `${exception.coordinate} is no longer deprecated: drop the exception`).toBeTruthy();
        expect(
          schemaHasCoordinate(full!, exception.successor),
          `${exception.successor} now exists: use it and drop the exception`,
        ).toBe(false);
      }
    });

    it("catches a subset that invents or changes things (the check itself works)", () => {
      const wrong = buildSchema(`
      schema { query: QueryRoot }
      interface Node { id: ID! }
      scalar UnsignedInt64
      type QueryRoot {
        shop: Shop!
        customer(id: ID!, includeArchived: Boolean): Customer
        orders(first: Int, sortKey: OrderSortKeys = ID): OrderConnection!
        node: Node
      }
      type Shop implements Node { id: ID! name: String shoeSize: Int }
      type Customer implements Node { id: ID! email: String numberOfOrders: UnsignedInt64! }
      type OrderConnection { nodes: [Order!]! }
      type Order implements Node { id: ID! }
      enum OrderSortKeys { ID SHOE_SIZE }
      input MetafieldsSetInput { key: String! value: String! }
      type Unknown { id: ID! }
      extend type QueryRoot { unknown: Unknown metafieldsSet(input: MetafieldsSetInput): Boolean }
    `);
      const problems = compareSubsetToFull(wrong, full!).join("\n");
      expect(problems).toContain("field Shop.name is String here but String! in Shopify's schema");
      expect(problems).toContain("field Shop.shoeSize does not exist");
      expect(problems).toContain("argument QueryRoot.customer(includeArchived:) does not exist");
      expect(problems).toContain('argument QueryRoot.orders(sortKey:) defaults to "ID" here but "PROCESSED_AT"');
      expect(problems).toContain("argument QueryRoot.node(id:) is required by Shopify but missing here");
      expect(problems).toContain("Customer.email is deprecated in Shopify's schema");
      expect(problems).toContain("enum value OrderSortKeys.SHOE_SIZE does not exist");
      expect(problems).toContain("input field MetafieldsSetInput.ownerId is required by Shopify but missing here");
      expect(problems).toContain("type Unknown does not exist");
    });
  },
);
