import type { QueueName } from './queues';

/** A worker's consumers do not match the queues it declares, or QUEUES names one it does not consume. */
export class QueueWiringError extends Error {}

/** The comma-separated QUEUES value as names (empty entries dropped); undefined when unset. */
export function parseQueueSelection(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * Checks a worker's handlers against the queues it declares (exactly one handler per declared
 * queue, none for another queue) and the QUEUES selection against the declared queues, and
 * returns the handlers this process runs, in declared order. Throws one error listing every problem.
 */
export function planConsumers<C extends { queue: QueueName }>(declared: readonly QueueName[], consumers: readonly C[], selection?: readonly string[]): C[] {
  const problems: string[] = [];
  const valid = declared.join(', ');
  const count = new Map<string, number>();
  for (const q of declared) {
    if (count.has(q)) problems.push(`queue ${q} is declared twice`);
    count.set(q, 0);
  }
  for (const c of consumers) {
    if (!count.has(c.queue)) problems.push(`a handler is given for queue ${c.queue}, which this worker does not declare (declared: ${valid})`);
    else count.set(c.queue, count.get(c.queue)! + 1);
  }
  for (const [q, n] of count) {
    if (n === 0) problems.push(`declared queue ${q} has no handler`);
    if (n > 1) problems.push(`declared queue ${q} has ${n} handlers`);
  }
  const chosen = new Set<string>(selection ?? declared);
  for (const name of chosen) {
    if (!count.has(name)) problems.push(`QUEUES names '${name.slice(0, 80)}', which this worker does not consume (valid: ${valid})`);
  }
  if (selection && !selection.length) problems.push(`QUEUES names no queue (valid: ${valid})`);
  if (problems.length) throw new QueueWiringError(`queue wiring: ${problems.join('; ')}`);
  return declared.filter((q) => chosen.has(q)).map((q) => consumers.find((c) => c.queue === q)!);
}
