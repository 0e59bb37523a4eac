import { createHash } from "node:crypto";

/**
 * Stable holdout assignment: the same checkout always lands on the same side, whichever worker or instance asks,
 * and shares compose (a 10 % holdout is a subset of a 20 % one). Basis points give 0.01 % resolution.
 */
export function holdoutBucket(shop: string, subjectKey: string): number {
  const digest = createHash("sha256").update(`${shop}\n${subjectKey}`).digest();
  return digest.readUInt32BE(0) % 10_000;
}

export function isInHoldout(shop: string, subjectKey: string, holdoutPercent: number): boolean {
  if (holdoutPercent <= 0) return false;
  return holdoutBucket(shop, subjectKey) < Math.round(holdoutPercent * 100);
}
