import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import { Prng } from "./prng";

/**
 * Bulk queries as Shopify runs them: the query is checked against the bulk rules (a query, at least one
 * connection, at most five, nested at most two deep, parents of nested connections select `id`), executed over the
 * whole store with connections unpaginated, and flattened into JSONL where every node of a connection is its own
 * line and nested nodes point to their parent through `__parentId`.
 */

export const MAX_BULK_CONNECTIONS = 5;
export const MAX_BULK_CONNECTION_DEPTH = 2;

function isConnectionType(type: GraphQLOutputType): boolean {
  const named = getNamedType(type);
  return isObjectType(named) && named.name.endsWith("Connection") && "pageInfo" in named.getFields();
}

function isListOutput(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
}

/** The field selections of a selection set with the type each is selected on (fragments flattened). */
function fieldsOf(
  walk: Walk,
  selectionSet: SelectionSetNode,
  parentType: GraphQLCompositeType,
): Array<{ node: FieldNode; parentType: GraphQLCompositeType }> {
  const out: Array<{ node: FieldNode; parentType: GraphQLCompositeType }> = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.push({ node: selection, parentType });
    else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : walk.fragments[selection.name.value];
      if (!fragment) continue;
      const type = fragment.typeCondition ? walk.schema.getType(fragment.typeCondition.name.value) : parentType;
      if (type && isCompositeType(type)) out.push(...fieldsOf(walk, fragment.selectionSet, type));
    }
  }
  return out;
}

function fieldType(parentType: GraphQLCompositeType, name: string): GraphQLOutputType | null {
  if (isObjectType(parentType) || isInterfaceType(parentType)) return parentType.getFields()[name]?.type ?? null;
  return null;
}

/** The node selection inside a connection selection (`edges { node { ... } }` or `nodes { ... }`). */
function nodeSelection(
  walk: Walk,
  connection: FieldNode,
  connectionType: GraphQLCompositeType,
): { selectionSet: SelectionSetNode; type: GraphQLCompositeType; via: "edges" | "nodes" } | null {
  if (!connection.selectionSet) return null;
  for (const { node, parentType } of fieldsOf(walk, connection.selectionSet, connectionType)) {
    const type = fieldType(parentType, node.name.value);
    const named = type ? getNamedType(type) : null;
    if (!named || !isCompositeType(named) || !node.selectionSet) continue;
    if (node.name.value === "nodes") return { selectionSet: node.selectionSet, type: named, via: "nodes" };
    if (node.name.value === "edges") {
      for (const inner of fieldsOf(walk, node.selectionSet, named)) {
        const innerType = fieldType(inner.parentType, inner.node.name.value);
        const innerNamed = innerType ? getNamedType(innerType) : null;
        if (inner.node.name.value === "node" && inner.node.selectionSet && innerNamed && isCompositeType(innerNamed)) {
          return { selectionSet: inner.node.selectionSet, type: innerNamed, via: "edges" };
        }
      }
    }
  }
  return null;
}

export type BulkQueryCheck = { ok: true; document: DocumentNode } | { ok: false; message: string };

/** Checks a bulk query as bulkOperationRunQuery does; a failure becomes a userError with code INVALID. */
export function checkBulkQuery(schema: GraphQLSchema, query: string): BulkQueryCheck {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { ok: false, message: `Invalid bulk query: ${(error as Error).message}` };
  }
  const errors = validate(schema, document);
  if (errors.length > 0)
    return { ok: false, message: `Invalid bulk query: ${errors.map((e) => e.message).join("; ")}` };
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (
    operations.length !== 1 ||
    operations[0].kind !== Kind.OPERATION_DEFINITION ||
    operations[0].operation !== "query"
  ) {
    return {
      ok: false,
      message:
        "Bulk queries must contain exactly one query operation (mutations run through bulkOperationRunMutation).",
    };
  }
  const root = schema.getQueryType();
  if (!root) return { ok: false, message: "The schema has no query root" };
  const walk: Walk = { schema, fragments: fragmentsOf(document) };

  let connections = 0;
  const problems: string[] = [];
  const visitNode = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, depth: number) => {
    const fields = fieldsOf(walk, selectionSet, type);
    const hasNestedConnection = fields.some(({ node, parentType }) => {
      const t = fieldType(parentType, node.name.value);
      return t !== null && isConnectionType(t);
    });
    if (hasNestedConnection && !fields.some(({ node }) => node.name.value === "id" && !node.alias)) {
      problems.push(`The parent '${type.name}' of a nested connection must select the 'id' field without an alias.`);
    }
    for (const { node, parentType } of fields) {
      const t = fieldType(parentType, node.name.value);
      if (!t || !node.selectionSet) continue;
      const named = getNamedType(t);
      if (!isCompositeType(named)) continue;
      if (isConnectionType(t)) visitConnection(node, named, depth + 1);
      else checkNoConnectionBelow(node.selectionSet, named, isListOutput(t));
    }
  };
  const checkNoConnectionBelow = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, inList: boolean) => {
    for (const { node, parentType } of fieldsOf(walk, selectionSet, type)) {
      const t = fieldType(parentType, node.name.value);
      if (!t || !node.selectionSet) continue;
      const named = getNamedType(t);
      if (!isCompositeType(named)) continue;
      if (isConnectionType(t)) {
        problems.push(
          inList
            ? "Queries that contain a connection field within a list field are not currently supported."
            : `The connection '${node.name.value}' must be selected directly on a node of a connection for the emulator to flatten it.`,
        );
      } else checkNoConnectionBelow(node.selectionSet, named, inList || isListOutput(t));
    }
  };
  const visitConnection = (field: FieldNode, type: GraphQLCompositeType, depth: number) => {
    connections += 1;
    if (depth > MAX_BULK_CONNECTION_DEPTH)
      problems.push(
        `Bulk queries cannot contain connections with a nesting depth greater than ${MAX_BULK_CONNECTION_DEPTH}.`,
      );
    const nodes = nodeSelection(walk, field, type);
    if (!nodes) {
      problems.push(`The connection '${field.name.value}' must select edges { node { ... } } or nodes { ... }.`);
      return;
    }
    visitNode(nodes.selectionSet, nodes.type, depth);
  };

  for (const { node, parentType } of fieldsOf(walk, operations[0].selectionSet, root)) {
    const t = fieldType(parentType, node.name.value);
    if (!t || !node.selectionSet) continue;
    const named = getNamedType(t);
    if (!isCompositeType(named)) continue;
    if (isConnectionType(t)) visitConnection(node, named, 1);
    else checkNoConnectionBelow(node.selectionSet, named, isListOutput(t));
  }
  if (connections === 0) problems.push("Bulk queries must contain at least one connection.");
  if (connections > MAX_BULK_CONNECTIONS)
    problems.push(`Bulk queries cannot contain more than ${MAX_BULK_CONNECTIONS} connections.`);
  return problems.length > 0 ? { ok: false, message: [...new Set(problems)].join(" ") } : { ok: true, document };
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return fragments;
}

type JsonObject = Record<string, unknown>;

export interface FlattenedBulkResult {
  /** Lines in output order (without trailing newlines). */
  lines: string[];
  rootObjectCount: number;
}

/**
 * Turns a bulk query's result into JSONL lines. Grouped output (groupObjects: true) writes each node followed by
 * its descendants. Ungrouped output (the 2026-01 default) guarantees no order at all, so the emulator shuffles the
 * lines deterministically (children may come before their parents), and importers that assume an order fail here.
 */
export function flattenBulkResult(
  schema: GraphQLSchema,
  document: DocumentNode,
  data: JsonObject,
  groupObjects: boolean,
  shuffleSeed: number,
): FlattenedBulkResult {
  const walk: Walk = { schema, fragments: fragmentsOf(document) };
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const root = schema.getQueryType();
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION || !root) return { lines: [], rootObjectCount: 0 };
  const lines: string[] = [];
  let rootObjectCount = 0;

  const emitNode = (
    value: JsonObject,
    selectionSet: SelectionSetNode,
    type: GraphQLCompositeType,
    parentId: string | null,
  ) => {
    const line: JsonObject = {};
    const children: Array<() => void> = [];
    for (const { node, parentType } of fieldsOf(walk, selectionSet, type)) {
      const key = node.alias?.value ?? node.name.value;
      if (!(key in value)) continue;
      const t = node.name.value === "__typename" ? null : fieldType(parentType, node.name.value);
      if (t && isConnectionType(t)) {
        const named = getNamedType(t) as GraphQLCompositeType;
        const id = typeof value.id === "string" ? value.id : null;
        children.push(() => emitConnection(value[key] as JsonObject | null, node, named, id));
      } else {
        line[key] = value[key];
      }
    }
    if (parentId !== null) line.__parentId = parentId;
    lines.push(JSON.stringify(line));
    for (const emitChildren of children) emitChildren();
  };

  const emitConnection = (
    connection: JsonObject | null,
    field: FieldNode,
    type: GraphQLCompositeType,
    parentId: string | null,
  ) => {
    if (!connection) return;
    const selection = nodeSelection(walk, field, type);
    if (!selection) return;
    const nodes =
      selection.via === "nodes"
        ? ((connection.nodes as JsonObject[] | undefined) ?? [])
        : ((connection.edges as Array<{ node: JsonObject }> | undefined) ?? []).map((edge) => edge.node);
    for (const node of nodes) {
      if (parentId === null) rootObjectCount += 1;
      emitNode(node, selection.selectionSet, selection.type, parentId);
    }
  };

  for (const { node, parentType } of fieldsOf(walk, operation.selectionSet, root)) {
    const t = fieldType(parentType, node.name.value);
    if (t && isConnectionType(t))
      emitConnection(
        data[node.alias?.value ?? node.name.value] as JsonObject | null,
        node,
        getNamedType(t) as GraphQLCompositeType,
        null,
      );
  }

  return { lines: groupObjects ? lines : new Prng(shuffleSeed).shuffle(lines), rootObjectCount };
}
