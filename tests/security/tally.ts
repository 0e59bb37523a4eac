import { afterAll } from "vitest";

/**
 * Counts the attacks each test file saw refused, by family, and prints them when the file ends (the figures the
 * security README and the closing note quote). Counting happens after the assertions, so a forgery that
 * was let through is never counted.
 */
const counts = new Map<string, number>();

// Registered when the test file imports this module (collection time), so it runs once, after the file's tests.
afterAll(() => {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const lines = [...counts].map(([name, count]) => `  ${name}: ${count} refused`);
  console.log(`security tally: ${total} attacks refused\n${lines.join("\n")}`);
});

export function tally(family: string, refused = 1): void {
  counts.set(family, (counts.get(family) ?? 0) + refused);
}
