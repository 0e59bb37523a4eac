/**
 * Derivative-free minimisation for the maximum-likelihood fits: Nelder-Mead with several starting points and
 * restarts from the best point.
 *
 * Why restarts: Nelder-Mead can stall on a degenerate simplex far from the optimum (McKinnon 1998); a fresh simplex
 * around the best point costs little and either confirms the optimum (no further improvement) or escapes the stall.
 * Why several starts: the BG/NBD likelihood is flat along ridges (a and b trade off when few customers drop out),
 * and a start from a different basin is the cheap check that the optimum found is not a local one.
 */

export type MinimizeOptions = {
  /** Starting points (in the optimiser's coordinates). At least one. */
  starts: number[][];
  /** Stop a run when the simplex's function values differ by less than this (absolute). */
  fTolerance?: number;
  /** ...and its vertices lie within this distance of the best vertex (max-norm). */
  xTolerance?: number;
  /** Initial simplex edge length. */
  step?: number;
  /** Per run. */
  maxIterations?: number;
  /** Restarts from the best point after the starts, until one improves by less than fTolerance. */
  maxRestarts?: number;
};

export type MinimizeResult = {
  x: number[];
  value: number;
  /** Nelder-Mead iterations over all runs. */
  iterations: number;
  evaluations: number;
  /** Every run that contributed ended on the tolerances (not on maxIterations) and the last restart found nothing. */
  converged: boolean;
  /** The gradient-free stopping rule was met: simplex spread below fTolerance and size below xTolerance. */
  toleranceMet: boolean;
};

type RunResult = { x: number[]; value: number; iterations: number; evaluations: number; toleranceMet: boolean };

export function minimize(objective: (x: number[]) => number, options: MinimizeOptions): MinimizeResult {
  const { starts, fTolerance = 1e-10, xTolerance = 1e-7, step = 0.5, maxIterations = 4000, maxRestarts = 6 } = options;
  if (starts.length === 0) throw new Error("minimize: at least one starting point is needed");
  // Non-finite values (parameters where the likelihood under- or overflows) count as +Infinity: worse than anything.
  const f = (x: number[]) => {
    const value = objective(x);
    return Number.isFinite(value) ? value : Infinity;
  };
  let iterations = 0;
  let evaluations = 0;
  let best: RunResult | undefined;
  for (const start of starts) {
    const run = nelderMead(f, start, step, fTolerance, xTolerance, maxIterations);
    iterations += run.iterations;
    evaluations += run.evaluations;
    if (!best || run.value < best.value) best = run;
  }
  let bestRun = best as RunResult;
  let restartsQuiet = false;
  for (let restart = 0; restart < maxRestarts; restart++) {
    const run = nelderMead(f, bestRun.x, step / 4, fTolerance, xTolerance, maxIterations);
    iterations += run.iterations;
    evaluations += run.evaluations;
    const improvement = bestRun.value - run.value;
    if (run.value <= bestRun.value) bestRun = run;
    if (improvement < fTolerance && run.toleranceMet) {
      restartsQuiet = true;
      break;
    }
  }
  return {
    x: bestRun.x,
    value: bestRun.value,
    iterations,
    evaluations,
    converged: restartsQuiet && bestRun.toleranceMet && Number.isFinite(bestRun.value),
    toleranceMet: bestRun.toleranceMet,
  };
}

/** One Nelder-Mead run with the standard coefficients (reflection 1, expansion 2, contraction 0.5, shrink 0.5). */
function nelderMead(
  f: (x: number[]) => number,
  start: number[],
  step: number,
  fTolerance: number,
  xTolerance: number,
  maxIterations: number,
): RunResult {
  const n = start.length;
  const simplex: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const vertex = start.slice();
    vertex[i] += step;
    simplex.push(vertex);
  }
  const values = simplex.map(f);
  let evaluations = n + 1;
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  let iterations = 0;
  let toleranceMet = false;
  const centroid = new Array<number>(n);
  const pointAlong = (from: number[], towards: number[], t: number) => from.map((v, i) => v + t * (towards[i] - v));

  while (iterations < maxIterations) {
    order.sort((i, j) => values[i] - values[j]);
    const bestIndex = order[0];
    const worstIndex = order[n];
    const secondWorstValue = values[order[n - 1]];
    let size = 0;
    for (const index of order) {
      for (let k = 0; k < n; k++) size = Math.max(size, Math.abs(simplex[index][k] - simplex[bestIndex][k]));
    }
    if (Math.abs(values[worstIndex] - values[bestIndex]) <= fTolerance && size <= xTolerance) {
      toleranceMet = true;
      break;
    }
    iterations++;
    centroid.fill(0);
    for (let o = 0; o < n; o++) for (let k = 0; k < n; k++) centroid[k] += simplex[order[o]][k] / n;

    const worst = simplex[worstIndex];
    const reflected = pointAlong(centroid, worst, -1);
    const reflectedValue = f(reflected);
    evaluations++;
    if (reflectedValue < values[bestIndex]) {
      const expanded = pointAlong(centroid, worst, -2);
      const expandedValue = f(expanded);
      evaluations++;
      if (expandedValue < reflectedValue) {
        simplex[worstIndex] = expanded;
        values[worstIndex] = expandedValue;
      } else {
        simplex[worstIndex] = reflected;
        values[worstIndex] = reflectedValue;
      }
      continue;
    }
    if (reflectedValue < secondWorstValue) {
      simplex[worstIndex] = reflected;
      values[worstIndex] = reflectedValue;
      continue;
    }
    // Contract towards the better of the worst point and its reflection.
    const outside = reflectedValue < values[worstIndex];
    const contracted = outside ? pointAlong(centroid, reflected, 0.5) : pointAlong(centroid, worst, 0.5);
    const contractedValue = f(contracted);
    evaluations++;
    if (contractedValue < Math.min(reflectedValue, values[worstIndex])) {
      simplex[worstIndex] = contracted;
      values[worstIndex] = contractedValue;
      continue;
    }
    const bestVertex = simplex[bestIndex];
    for (const index of order.slice(1)) {
      simplex[index] = pointAlong(bestVertex, simplex[index], 0.5);
      values[index] = f(simplex[index]);
      evaluations++;
    }
  }
  order.sort((i, j) => values[i] - values[j]);
  return {
    x: simplex[order[0]].slice(),
    value: values[order[0]],
    iterations,
    evaluations,
    toleranceMet,
  };
}
