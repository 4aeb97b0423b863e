import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { PLACE_JOB_OPTIONS, placeJobId, QueueProducers, QUEUES, type PlaceJob } from '@retell-ops/queue';
import { startApp } from '../support/processes';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * The built dialer worker as its own process (as `npm start` and the image run it), on real Redis
 * under a fresh queue prefix: QUEUES narrows it to some of its declared queues, and a name it does
 * not declare stops it at boot.
 */
describe('QUEUES narrows a worker process to some of its queues', () => {
  it('a dialer worker started with QUEUES=dial-place.v1 consumes place jobs and not dispatch jobs', async () => {
    const env = testEnv({ QUEUES: 'dial-place.v1' });
    const producers = new QueueProducers(env);
    const dialer = await startApp('dialer-worker', envVars(env), /consuming/);
    try {
      expect(dialer.output()).toMatch(/consuming dial-place\.v1"/); // the whole message (a JSON log line)
      // A place job for a request that does not exist: the placer looks it up and skips it.
      const place: PlaceJob = { tenantId: randomUUID(), dialRequestId: randomUUID(), callId: randomUUID(), attempt: 1, try: 1 };
      const dispatchId = `dispatch.${randomUUID()}`;
      await producers.add(QUEUES.dialDispatch, { tenantId: randomUUID() }, { jobId: dispatchId });
      await producers.add(QUEUES.dialPlace, place, { jobId: placeJobId(place), ...PLACE_JOB_OPTIONS });

      const placed = await waitFor(
        async () => {
          const job = await producers.queue(QUEUES.dialPlace).getJob(placeJobId(place));
          return job && (await job.isCompleted()) ? job : undefined;
        },
        { what: 'the place job to complete' },
      );
      expect(placed.returnvalue).toBe('skipped');
      // Added before the place job, and still waiting once it completed: nobody consumes its queue.
      expect(await producers.queue(QUEUES.dialDispatch).getJobState(dispatchId)).toBe('waiting');
      expect((await producers.queue(QUEUES.dialDispatch).getWorkers()).length).toBe(0);
      expect((await producers.queue(QUEUES.dialPlace).getWorkers()).length).toBe(1);
    } finally {
      await dialer.stop();
      for (const name of [QUEUES.dialDispatch, QUEUES.dialPlace]) await producers.queue(name).obliterate({ force: true });
      await producers.onModuleDestroy();
    }
  }, 60000);

  it('a dialer worker started with QUEUES naming a queue it does not declare exits non-zero with the valid names', async () => {
    const env = testEnv({ QUEUES: 'dial-place.v1,call-started.v1' });
    const started = startApp('dialer-worker', envVars(env), /consuming/);
    await expect(started).rejects.toThrow(/exited with 1 before it was ready/);
    await expect(started).rejects.toThrow("QUEUES names 'call-started.v1', which this worker does not consume (valid: dial-dispatch.v1, dial-place.v1)");
    // It stopped before starting any worker.
    const queue = new Queue(QUEUES.dialPlace, { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX });
    try {
      expect((await queue.getWorkers()).length).toBe(0);
    } finally {
      await queue.close();
    }
  }, 60000);
});
