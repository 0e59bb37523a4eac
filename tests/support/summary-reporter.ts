import type { Reporter, File, Task } from "vitest";

/**
 * Prints one plain closing line, "Tests: N passed, N failed, N skipped", after Vitest's own summary, so that any
 * tool reading the end of the log (CI included) sees how many tests ran without knowing Vitest's format.
 */
export default class SummaryReporter implements Reporter {
  onFinished(files: File[] = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const visit = (task: Task) => {
      if ("tasks" in task) {
        for (const child of task.tasks) visit(child);
        return;
      }
      const state = task.result?.state;
      if (state === "pass") passed++;
      else if (state === "fail") failed++;
      else skipped++;
    };
    for (const file of files) {
      // A file that failed to load has no tests but must still count as a failure.
      if (file.result?.state === "fail" && file.tasks.length === 0) failed++;
      else visit(file);
    }
    console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
