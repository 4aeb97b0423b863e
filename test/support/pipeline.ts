import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppEnv } from '@retell-ops/config';
import type { ReminderClock } from '@retell-ops/recruiting';
import type { Call } from '@retell-ops/db';
import { CallWorkerModule } from '../../apps/call-worker/src/call-worker.module';
import { CandidateWorkerModule } from '../../apps/candidate-worker/src/candidate-worker.module';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { SchedulingWorkerModule } from '../../apps/scheduling-worker/src/scheduling-worker.module';

export interface InProcessPipeline {
  gatewayUrl: string;
  stop: () => Promise<void>;
}

/**
 * Gateway and call worker in this process, on the given env (its own queue prefix); with
 * `recruiting`, the candidate and scheduling workers too (`reminderClock`: the scheduling worker's).
 */
export async function startPipeline(
  env: AppEnv,
  { recruiting = false, reminderClock }: { recruiting?: boolean; reminderClock?: ReminderClock } = {},
): Promise<InProcessPipeline> {
  const gateway: NestFastifyApplication = await createGateway(env);
  await gateway.listen(0, '127.0.0.1');
  const modules = [
    CallWorkerModule.forRoot(env),
    ...(recruiting ? [CandidateWorkerModule.forRoot(env), SchedulingWorkerModule.forRoot(env, { reminderClock })] : []),
  ];
  const workers: INestApplicationContext[] = [];
  for (const m of modules) {
    const w = await NestFactory.createApplicationContext(m, { logger: ['error'] });
    await w.init();
    workers.push(w);
  }
  return {
    gatewayUrl: (await gateway.getUrl()).replace('[::1]', '127.0.0.1'),
    stop: async () => {
      await gateway.close();
      for (const w of workers) await w.close();
    },
  };
}

/** A call row with what legitimately differs between two calls (ids, clocks) taken out. */
export function comparable(call: Call): Record<string, unknown> {
  const { id: _id, retellCallId, createdAt: _c, updatedAt: _u, ...rest } = call;
  return JSON.parse(
    JSON.stringify(rest)
      .split(retellCallId ?? '\u0000')
      .join('<call>'),
  );
}
