import { QUEUES, type QueueName } from './queues';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The queues whose job ids carry the tenant as their second dot-separated part (see the id
 * functions: `callEventJobId`, `screeningJobId`, `schedulingJobId`, `dispatch.<tenant>`). The
 * others (reminders, placements) name their tenant only in the payload.
 */
const TENANT_IN_ID: ReadonlySet<QueueName> = new Set([
  QUEUES.callStarted,
  QUEUES.callEnded,
  QUEUES.callAnalyzed,
  QUEUES.callTransfers,
  QUEUES.candidateScreening,
  QUEUES.interviewScheduling,
  QUEUES.dialDispatch,
]);

/**
 * The tenant a job belongs to, read from its id where the id names it; undefined when the
 * queue's ids do not (read the payload's `tenantId` then). A replay's id
 * (`replay.<tenant>.<delivery>`) names it too.
 */
export function tenantOfJobId(queue: QueueName, jobId: string): string | undefined {
  if (!TENANT_IN_ID.has(queue)) return undefined;
  const part = jobId.split('.')[1];
  return part !== undefined && UUID.test(part) ? part : undefined;
}

/** Whether the queue's job ids name their tenant (`tenantOfJobId` answers for every job of it). */
export function jobIdsNameTenant(queue: QueueName): boolean {
  return TENANT_IN_ID.has(queue);
}

/** The call id and key of a call event's job id (`<event>.<tenant>.<callId>[@<key>]`, callEventJobId), decoded; undefined for any other id. */
export function callOfEventJobId(jobId: string): { callId: string; key: string } | undefined {
  const parts = jobId.split('.');
  if (parts[0] === 'replay' || parts.length < 3 || !UUID.test(parts[1])) return undefined;
  const [callId, key = ''] = parts.slice(2).join('.').split('@');
  try {
    return { callId: decodeURIComponent(callId), key: decodeURIComponent(key) };
  } catch {
    return undefined;
  }
}

/** The job id a replay of a kept delivery runs under (on its event's queue): one pending replay per delivery. */
export function replayJobId(tenantId: string, deliveryId: string): string {
  return `replay.${tenantId}.${deliveryId}`;
}

export function isQueueName(name: string): name is QueueName {
  return (Object.values(QUEUES) as string[]).includes(name);
}
