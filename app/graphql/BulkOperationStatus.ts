/**
 * Polls a bulk operation by the id bulkOperationRunQuery returned (`currentBulkOperation` is deprecated in 2026-01).
 * `url` is set once it COMPLETED with results; `partialDataUrl` when it FAILED after writing some.
 */
export const BULK_OPERATION_STATUS_QUERY = `#graphql
  query BulkOperationStatus($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      createdAt
      completedAt
      objectCount
      rootObjectCount
      fileSize
      url
      partialDataUrl
    }
  }
`;

export type BulkOperationStatusVariables = { id: string };

export type BulkOperationStatusValue =
  "CANCELED" | "CANCELING" | "COMPLETED" | "CREATED" | "EXPIRED" | "FAILED" | "RUNNING";

export type BulkOperationStatusResult = {
  bulkOperation: {
    id: string;
    status: BulkOperationStatusValue;
    errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
    createdAt: string;
    completedAt: string | null;
    /** UnsignedInt64, as a string. */
    objectCount: string;
    rootObjectCount: string;
    fileSize: string | null;
    url: string | null;
    partialDataUrl: string | null;
  } | null;
};
