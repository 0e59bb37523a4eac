import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { ROOT } from "../paths";

/**
 * Every GraphQL document Kindly sends: the `#graphql`-tagged strings exported by the modules in app/graphql
 * (one operation per file, named after the file). Loaded by importing the modules, so the checks see exactly the
 * strings the app uses.
 */

export const APP_GRAPHQL_DIR = path.join(ROOT, "app", "graphql");

export interface AppGraphqlDocument {
  /** File name, e.g. "CustomerConsent.ts". */
  file: string;
  exportName: string;
  source: string;
  document: DocumentNode;
  /** The single operation's name; null for an anonymous document (a bulk query passed as a variable). */
  operationName: string | null;
  operation: OperationDefinitionNode;
}

function isGraphqlDocument(value: unknown): value is string {
  return typeof value === "string" && value.trimStart().startsWith("#graphql");
}

export async function loadAppGraphqlDocuments(): Promise<AppGraphqlDocument[]> {
  const files = fs
    .readdirSync(APP_GRAPHQL_DIR)
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
    .sort();
  const documents: AppGraphqlDocument[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(APP_GRAPHQL_DIR, file)).href)) as Record<string, unknown>;
    for (const [exportName, value] of Object.entries(module)) {
      if (!isGraphqlDocument(value)) continue;
      const document = parse(value);
      const operations = document.definitions.filter(
        (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
      );
      if (operations.length !== 1)
        throw new Error(`${file} ${exportName}: a document holds exactly one operation, found ${operations.length}`);
      documents.push({
        file,
        exportName,
        source: value,
        document,
        operationName: operations[0].name?.value ?? null,
        operation: operations[0],
      });
    }
  }
  return documents;
}
