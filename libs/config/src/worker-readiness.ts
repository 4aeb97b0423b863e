/**
 * The BullMQ workers a process runs, for its /ready: each consumer registers its workers here
 * when it starts them and removes them when it closes (libs/queue QueueConsumers does).
 */
export interface RunningWorker {
  queue: string;
  isRunning: () => boolean;
}

const workers = new Set<RunningWorker>();

export const workerReadiness = {
  add(worker: RunningWorker): () => void {
    workers.add(worker);
    return () => workers.delete(worker);
  },
  /** Queues whose worker is not running (empty when all are); `none` when no worker is registered yet. */
  notRunning(): string[] | 'none' {
    if (!workers.size) return 'none';
    return [...workers].filter((w) => !w.isRunning()).map((w) => w.queue);
  },
  queues(): string[] {
    return [...workers].map((w) => w.queue);
  },
};
