import {
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * Shopify's calculated query cost, closely enough for clients to budget and back off: scalars and enums cost 0,
 * objects 1, a connection 2 plus its page size times the cost of one node, a mutation field 10. The requested cost
 * assumes full pages; the actual cost counts what came back. The leaky bucket matches a standard shop
 * (2,000 points, restoring 100 per second) and a single query may not request more than 1,000.
 */

export const BUCKET_SIZE = 2000;
export const RESTORE_RATE = 100;
export const MAX_SINGLE_QUERY_COST = 1000;

interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function argumentValue(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const arg = field.arguments?.find((candidate) => candidate.name.value === name);
  if (!arg) return undefined;
  return valueFromASTUntyped(arg.value, variables);
}

function isConnection(type: GraphQLOutputType): boolean {
  const named = getNamedType(type);
  return isObjectType(named) && named.name.endsWith("Connection") && "pageInfo" in named.getFields();
}

function isListOfObjects(type: GraphQLOutputType): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner) && isCompositeType(getNamedType(inner));
}

/** Every field selection under a selection set, with the type it is selected on (fragments flattened). */
function* selectedFields(
  input: CostInput,
  selectionSet: SelectionSetNode,
  parentType: GraphQLCompositeType,
): Generator<{ node: FieldNode; parentType: GraphQLCompositeType }> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) yield { node: selection, parentType };
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? input.schema.getType(selection.typeCondition.name.value) : parentType;
      if (type && isCompositeType(type)) yield* selectedFields(input, selection.selectionSet, type);
    } else {
      const fragment = input.fragments[selection.name.value];
      const type = fragment ? input.schema.getType(fragment.typeCondition.name.value) : null;
      if (fragment && type && isCompositeType(type)) yield* selectedFields(input, fragment.selectionSet, type);
    }
  }
}

function fieldType(parentType: GraphQLCompositeType, name: string): GraphQLOutputType | null {
  if (name === "__typename") return null;
  if (isObjectType(parentType) || isInterfaceType(parentType)) return parentType.getFields()[name]?.type ?? null;
  return null;
}

/** Cost of one node of a connection: its `edges { node }` and/or `nodes` selections, each node an object (1). */
function perNodeCost(
  input: CostInput,
  connectionSelection: SelectionSetNode,
  connectionType: GraphQLCompositeType,
): number {
  let cost = 0;
  for (const { node, parentType } of selectedFields(input, connectionSelection, connectionType)) {
    const type = fieldType(parentType, node.name.value);
    if (!type || !node.selectionSet) continue;
    const named = getNamedType(type);
    if (!isCompositeType(named)) continue;
    if (node.name.value === "nodes") cost += 1 + requestedSelectionCost(input, node.selectionSet, named);
    if (node.name.value === "edges") {
      for (const inner of selectedFields(input, node.selectionSet, named)) {
        const innerType = fieldType(inner.parentType, inner.node.name.value);
        const innerNamed = innerType ? getNamedType(innerType) : null;
        if (inner.node.name.value === "node" && inner.node.selectionSet && innerNamed && isCompositeType(innerNamed)) {
          cost += 1 + requestedSelectionCost(input, inner.node.selectionSet, innerNamed);
        }
      }
    }
  }
  return cost;
}

function requestedSelectionCost(
  input: CostInput,
  selectionSet: SelectionSetNode,
  parentType: GraphQLCompositeType,
): number {
  let cost = 0;
  for (const { node, parentType: onType } of selectedFields(input, selectionSet, parentType)) {
    const type = fieldType(onType, node.name.value);
    if (!type || !node.selectionSet) continue;
    const named = getNamedType(type);
    if (!isCompositeType(named)) continue;
    const pageSize = Number(argumentValue(node, "first", input.variables) ?? 1);
    if (isConnection(type)) cost += 2 + pageSize * perNodeCost(input, node.selectionSet, named);
    else if (isListOfObjects(type)) cost += pageSize * (1 + requestedSelectionCost(input, node.selectionSet, named));
    else cost += 1 + requestedSelectionCost(input, node.selectionSet, named);
  }
  return cost;
}

function actualSelectionCost(
  input: CostInput,
  selectionSet: SelectionSetNode,
  parentType: GraphQLCompositeType,
  data: unknown,
): number {
  if (data === null || typeof data !== "object") return 0;
  if (Array.isArray(data))
    return data.reduce((sum: number, item) => sum + actualSelectionCost(input, selectionSet, parentType, item), 0);
  const record = data as Record<string, unknown>;
  let cost = 0;
  for (const { node, parentType: onType } of selectedFields(input, selectionSet, parentType)) {
    const type = fieldType(onType, node.name.value);
    if (!type || !node.selectionSet) continue;
    const named = getNamedType(type);
    if (!isCompositeType(named)) continue;
    const value = record[node.alias?.value ?? node.name.value];
    if (value === null || value === undefined) continue;
    if (isConnection(type)) {
      // 2 for the connection, then each returned node as an object; edges and pageInfo themselves are free.
      cost += 2;
      for (const inner of selectedFields(input, node.selectionSet, named)) {
        const innerType = fieldType(inner.parentType, inner.node.name.value);
        const innerNamed = innerType ? getNamedType(innerType) : null;
        const innerValue = (value as Record<string, unknown>)[inner.node.alias?.value ?? inner.node.name.value];
        if (!inner.node.selectionSet || !innerNamed || !isCompositeType(innerNamed) || !Array.isArray(innerValue))
          continue;
        if (inner.node.name.value === "nodes") {
          cost += innerValue.length + actualSelectionCost(input, inner.node.selectionSet, innerNamed, innerValue);
        } else if (inner.node.name.value === "edges") {
          // Each edge's `node` counts as an object inside this walk; the edge wrapper itself is free.
          cost += actualSelectionCost(input, inner.node.selectionSet, innerNamed, innerValue);
        }
      }
    } else if (Array.isArray(value)) {
      cost += value.length + actualSelectionCost(input, node.selectionSet, named, value);
    } else {
      cost += 1 + actualSelectionCost(input, node.selectionSet, named, value);
    }
  }
  return cost;
}

export function requestedQueryCost(input: CostInput): number {
  const root = input.operation.operation === "mutation" ? input.schema.getMutationType() : input.schema.getQueryType();
  if (!root) return 0;
  if (input.operation.operation === "mutation") {
    // Mutations cost a flat 10 per root field, whatever they return.
    return input.operation.selectionSet.selections.length * 10;
  }
  return Math.max(requestedSelectionCost(input, input.operation.selectionSet, root), 1);
}

export function actualQueryCost(input: CostInput, data: unknown): number {
  const root = input.operation.operation === "mutation" ? input.schema.getMutationType() : input.schema.getQueryType();
  if (!root) return 0;
  if (input.operation.operation === "mutation") return input.operation.selectionSet.selections.length * 10;
  return Math.max(actualSelectionCost(input, input.operation.selectionSet, root, data), 1);
}
