import fs from "node:fs";
import path from "node:path";
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";
import { SHARED_DIR } from "../paths";

/**
 * Checks that keep the emulator honest: its SDL must be a true subset of Shopify's Admin schema, and every document
 * Kindly sends must avoid deprecated parts of it. Shopify's full schema lives beside the repository (never inside);
 * when it is absent the checks that need it are skipped, loudly, by the tests.
 */

export const FULL_SCHEMA_PATH =
  process.env.SHOPIFY_ADMIN_SCHEMA ?? path.join(SHARED_DIR, "shopify", "admin-2026-01.graphql");

/** How the path reads in a skip message: relative to the repository, as a developer would look for it. */
export function describeFullSchemaPath(root: string): string {
  return path.relative(root, FULL_SCHEMA_PATH) || FULL_SCHEMA_PATH;
}

let fullSchemaCache: GraphQLSchema | null | undefined;

/** Shopify's full Admin schema, or null when the file is not there. Built once per process (~0.3 s). */
export function loadFullSchema(): GraphQLSchema | null {
  if (fullSchemaCache !== undefined) return fullSchemaCache;
  fullSchemaCache = fs.existsSync(FULL_SCHEMA_PATH)
    ? // Shopify's published SDL is valid; skipping SDL validation halves the build time.
      buildSchema(fs.readFileSync(FULL_SCHEMA_PATH, "utf8"), { assumeValidSDL: true })
    : null;
  return fullSchemaCache;
}

/**
 * Deprecated schema members Kindly may still use, each with the member that replaces it. An exception holds only
 * while the successor does not exist in the full schema: once Shopify ships it, the tests fail and ask for the switch.
 */
export const DEPRECATION_EXCEPTIONS: ReadonlyArray<{ coordinate: string; successor: string; why: string }> = [
  {
    coordinate: "CustomerPhoneNumber.marketingState",
    successor: "CustomerPhoneNumber.smsMarketingConsent",
    why:
      "2026-01 deprecates every way to read SMS consent, with notices pointing at each other " +
      "(Customer.smsMarketingConsent -> defaultPhoneNumber.marketingState -> smsMarketingConsent.state, not in 2026-01).",
  },
];

function isAllowedDeprecation(coordinate: string, full: GraphQLSchema): boolean {
  const exception = DEPRECATION_EXCEPTIONS.find((entry) => entry.coordinate === coordinate);
  return exception !== undefined && !schemaHasCoordinate(full, exception.successor);
}

/** Whether `Type.field` (or `Type`) exists in a schema. */
export function schemaHasCoordinate(schema: GraphQLSchema, coordinate: string): boolean {
  const [typeName, fieldName] = coordinate.split(".");
  const type = schema.getType(typeName);
  if (!type) return false;
  if (!fieldName) return true;
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) return fieldName in type.getFields();
  if (isEnumType(type)) return type.getValue(fieldName) !== undefined;
  return false;
}

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return "object";
  if (isInterfaceType(type)) return "interface";
  if (isUnionType(type)) return "union";
  if (isEnumType(type)) return "enum";
  if (isInputObjectType(type)) return "input object";
  return "scalar";
}

const sameDefault = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function isRequired(arg: { type: GraphQLArgument["type"]; defaultValue: unknown }): boolean {
  return isNonNullType(arg.type) && arg.defaultValue === undefined;
}

/**
 * Every way the subset differs from Shopify's full schema, as readable sentences; empty when the subset is faithful.
 * Checks kinds, field/argument/input-field types and defaults, interfaces, union members, enum values, deprecation,
 * and that nothing Shopify requires (a non-null argument or input field without default) was left out.
 */
export function compareSubsetToFull(subset: GraphQLSchema, full: GraphQLSchema): string[] {
  const problems: string[] = [];
  const deprecated = (coordinate: string, reason: string | null | undefined) => {
    if (reason !== null && reason !== undefined && !isAllowedDeprecation(coordinate, full)) {
      problems.push(`${coordinate} is deprecated in Shopify's schema: ${reason}`);
    }
  };

  for (const [root, subsetType, fullType] of [
    ["query", subset.getQueryType(), full.getQueryType()],
    ["mutation", subset.getMutationType(), full.getMutationType()],
  ] as const) {
    if (subsetType && subsetType.name !== fullType?.name) {
      problems.push(`the ${root} root is ${subsetType.name}, Shopify's is ${fullType?.name ?? "absent"}`);
    }
  }

  for (const type of Object.values(subset.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    const fullType = full.getType(type.name);
    if (!fullType) {
      // Built-in scalars (String, Int, ...) exist in every schema; anything else must be Shopify's.
      problems.push(`type ${type.name} does not exist in Shopify's schema`);
      continue;
    }
    if (kindOf(type) !== kindOf(fullType)) {
      problems.push(`${type.name} is a ${kindOf(type)} here but a ${kindOf(fullType)} in Shopify's schema`);
      continue;
    }

    if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(fullType) || isInterfaceType(fullType))) {
      const fullInterfaces = new Set(fullType.getInterfaces().map((i) => i.name));
      for (const iface of type.getInterfaces()) {
        if (!fullInterfaces.has(iface.name))
          problems.push(`${type.name} implements ${iface.name} here but not in Shopify's schema`);
      }
      const fullFields = fullType.getFields();
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        const fullField = fullFields[field.name];
        if (!fullField) {
          problems.push(`field ${coordinate} does not exist in Shopify's schema`);
          continue;
        }
        if (String(field.type) !== String(fullField.type)) {
          problems.push(
            `field ${coordinate} is ${String(field.type)} here but ${String(fullField.type)} in Shopify's schema`,
          );
        }
        deprecated(coordinate, fullField.deprecationReason);
        for (const arg of field.args) {
          const fullArg = fullField.args.find((candidate) => candidate.name === arg.name);
          const argCoordinate = `${coordinate}(${arg.name}:)`;
          if (!fullArg) {
            problems.push(`argument ${argCoordinate} does not exist in Shopify's schema`);
            continue;
          }
          if (String(arg.type) !== String(fullArg.type)) {
            problems.push(
              `argument ${argCoordinate} is ${String(arg.type)} here but ${String(fullArg.type)} in Shopify's schema`,
            );
          }
          if (!sameDefault(arg.defaultValue, fullArg.defaultValue)) {
            problems.push(
              `argument ${argCoordinate} defaults to ${JSON.stringify(arg.defaultValue)} here but ${JSON.stringify(fullArg.defaultValue)} in Shopify's schema`,
            );
          }
          deprecated(argCoordinate, fullArg.deprecationReason);
        }
        for (const fullArg of fullField.args) {
          if (isRequired(fullArg) && !field.args.some((arg) => arg.name === fullArg.name)) {
            problems.push(`argument ${coordinate}(${fullArg.name}:) is required by Shopify but missing here`);
          }
        }
      }
    } else if (isInputObjectType(type) && isInputObjectType(fullType)) {
      const fullFields = fullType.getFields();
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        const fullField = fullFields[field.name];
        if (!fullField) {
          problems.push(`input field ${coordinate} does not exist in Shopify's schema`);
          continue;
        }
        if (String(field.type) !== String(fullField.type)) {
          problems.push(
            `input field ${coordinate} is ${String(field.type)} here but ${String(fullField.type)} in Shopify's schema`,
          );
        }
        if (!sameDefault(field.defaultValue, fullField.defaultValue)) {
          problems.push(
            `input field ${coordinate} defaults to ${JSON.stringify(field.defaultValue)} here but ${JSON.stringify(fullField.defaultValue)} in Shopify's schema`,
          );
        }
        deprecated(coordinate, fullField.deprecationReason);
      }
      for (const fullField of Object.values(fullFields)) {
        if (isRequired(fullField) && !(fullField.name in type.getFields())) {
          problems.push(`input field ${type.name}.${fullField.name} is required by Shopify but missing here`);
        }
      }
    } else if (isEnumType(type) && isEnumType(fullType)) {
      for (const value of type.getValues()) {
        const fullValue = fullType.getValue(value.name);
        if (!fullValue) problems.push(`enum value ${type.name}.${value.name} does not exist in Shopify's schema`);
        else deprecated(`${type.name}.${value.name}`, fullValue.deprecationReason);
      }
    } else if (isUnionType(type) && isUnionType(fullType)) {
      const members = new Set(fullType.getTypes().map((member) => member.name));
      for (const member of type.getTypes()) {
        if (!members.has(member.name))
          problems.push(`union ${type.name} includes ${member.name} here but not in Shopify's schema`);
      }
    } else if (!isScalarType(type)) {
      problems.push(`${type.name}: unexpected kind ${kindOf(type)}`);
    }
  }
  return problems;
}

export interface DeprecatedUsage {
  /** `Type.field`, `Type.field(arg:)`, `Input.field` or `Enum.VALUE`. */
  coordinate: string;
  reason: string;
  line: number | undefined;
}

/**
 * Walks a document with TypeInfo and lists every deprecated field, argument, input field and enum value it uses
 * (the allowed exceptions included; callers filter with `isAllowedDeprecatedUsage`).
 */
export function findDeprecatedUsages(schema: GraphQLSchema, document: DocumentNode): DeprecatedUsage[] {
  const typeInfo = new TypeInfo(schema);
  const usages: DeprecatedUsage[] = [];
  const record = (coordinate: string, reason: string | null | undefined, line: number | undefined) => {
    if (reason !== null && reason !== undefined) usages.push({ coordinate, reason, line });
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (field && parent) record(`${parent.name}.${field.name}`, field.deprecationReason, node.loc?.startToken.line);
      },
      Argument(node) {
        const arg = typeInfo.getArgument();
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (arg && field && parent)
          record(`${parent.name}.${field.name}(${arg.name}:)`, arg.deprecationReason, node.loc?.startToken.line);
      },
      ObjectField(node) {
        // At an object field, the parent input type is the (possibly wrapped) input object holding it.
        const named = getNamedType(typeInfo.getParentInputType());
        if (named && isInputObjectType(named)) {
          const field = named.getFields()[node.name.value];
          if (field) record(`${named.name}.${field.name}`, field.deprecationReason, node.loc?.startToken.line);
        }
      },
      EnumValue(node) {
        const value = typeInfo.getEnumValue();
        const named = getNamedType(typeInfo.getInputType());
        if (value && named && isEnumType(named))
          record(`${named.name}.${value.name}`, value.deprecationReason, node.loc?.startToken.line);
      },
    }),
  );
  return usages;
}

export function isAllowedDeprecatedUsage(usage: DeprecatedUsage, full: GraphQLSchema): boolean {
  return isAllowedDeprecation(usage.coordinate, full);
}
