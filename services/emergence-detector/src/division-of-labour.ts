import { shannonEntropy } from './entropy';

/**
 * Division of labour: DOL = I(individual; task) / H(task), the share of the uncertainty about which task is
 * done that knowing the individual removes (Gorelick, Bertram, Killeen & Fewell 2004). 1 when every individual
 * does one task only, 0 when all do the same mix. `counts` maps individual → task → times done.
 */
export function divisionOfLabour(counts: ReadonlyMap<string, ReadonlyMap<string, number>>): number {
  const taskTotals = new Map<string, number>();
  let total = 0;
  let conditional = 0;
  for (const tasks of counts.values()) {
    let n = 0;
    for (const [task, c] of tasks) {
      taskTotals.set(task, (taskTotals.get(task) ?? 0) + c);
      n += c;
    }
    total += n;
    conditional += n * shannonEntropy(tasks.values());
  }
  if (total === 0) return 0;
  const hTask = shannonEntropy(taskTotals.values());
  if (hTask === 0) return 0;
  return (hTask - conditional / total) / hTask;
}
