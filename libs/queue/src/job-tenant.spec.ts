import { callEventJobId } from './jobs';
import { callOfEventJobId, isQueueName, jobIdsNameTenant, replayJobId, tenantOfJobId } from './job-tenant';
import { QUEUES } from './queues';
import { screeningJobId, schedulingJobId, reminderJobId } from './recruiting-jobs';
import { placeJobId } from './dialer-jobs';

const T = '0b6f3c1e-5a2d-4c8e-9f10-2b3c4d5e6f70';

describe('tenantOfJobId', () => {
  it.each<[string, (typeof QUEUES)[keyof typeof QUEUES], string, string | undefined]>([
    ['call event', QUEUES.callEnded, callEventJobId(T, 'call_a.b:c', 'call_ended'), T],
    ['screening', QUEUES.candidateScreening, screeningJobId({ tenantId: T, retellCallId: 'call_x' } as never), T],
    ['scheduling', QUEUES.interviewScheduling, schedulingJobId({ tenantId: T, retellCallId: 'call_x', kind: 'interview' } as never), T],
    ['dispatch', QUEUES.dialDispatch, `dispatch.${T}`, T],
    ['reminder (tenant only in the payload)', QUEUES.interviewReminders, reminderJobId({ interviewId: T, offset: '1h', scheduledAt: 'x' } as never), undefined],
    ['place (tenant only in the payload)', QUEUES.dialPlace, placeJobId({ dialRequestId: T, try: 1 }), undefined],
    ['a replay', QUEUES.callEnded, replayJobId(T, '9d1c1f0e-1111-4222-8333-444455556666'), T],
    ['not a uuid', QUEUES.callEnded, 'call_ended.nope.call_1', undefined],
  ])('%s', (_name, queue, id, tenant) => {
    expect(tenantOfJobId(queue, id)).toBe(tenant);
  });

  it('knows which queues name the tenant in their ids', () => {
    expect(jobIdsNameTenant(QUEUES.callStarted)).toBe(true);
    expect(jobIdsNameTenant(QUEUES.dialPlace)).toBe(false);
  });
});

describe('callOfEventJobId', () => {
  it.each<[string, string, string]>([
    ['a lifecycle event: no key', 'call_a.b:c', ''],
    ['a transfer: its destination after the @', 'call_a.b:c@x', '+14155550199 ext. 12'],
    ['a destination with dots, colons and @', 'call_1', 'sip:agent@pbx.example.com:5060'],
  ])('%s', (_, callId, key) => {
    const jobId = callEventJobId(T, callId, key ? 'transfer_started' : 'call_ended', key);
    expect(jobId).not.toContain(':');
    expect(jobId.split('@')).toHaveLength(key ? 2 : 1);
    expect(callOfEventJobId(jobId)).toEqual({ callId, key });
  });
  it('is undefined for other ids', () => {
    expect(callOfEventJobId(replayJobId(T, T))).toBeUndefined();
    expect(callOfEventJobId('dispatch.x')).toBeUndefined();
  });
});

describe('isQueueName', () => {
  it('accepts the queues only', () => {
    expect(isQueueName('call-ended.v1')).toBe(true);
    expect(isQueueName('call-ended.v2')).toBe(false);
  });
});
