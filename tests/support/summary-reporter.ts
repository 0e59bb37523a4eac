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
      if (task.type === "suite" || task.type === "file") {
        for (const child of task.tasks) visit(child);
        // A file that failed to load has no tests but must still count as a failure.
        if (task.type === "file" && task.result?.state === "fail" && task.tasks.length === 0) failed++;
        return;
      }
      const state = task.result?.state;
      if (state === "pass") passed++;
      else if (state === "fail") failed++;
      else skipped++;
    };
    for (const file of files) visit(file);
    console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
