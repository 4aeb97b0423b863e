import { simNumber, startDialerStack, type DialerStack } from '../support/dialer-stack';
import { openSse, type SseClient, type SseEvent } from '../support/sse';

/**
 * Live events from the real processes (`npm start`'s gateway, API, call worker, dialer worker and
 * simulator): a simulator call played through the gateway and call worker reaches the API's
 * stream as call.updated; a dial request is followed by dial.updated to its end; a batch by
 * batch.progress until it completes.
 */
describe('end to end: live events from the workers', () => {
  let stack: DialerStack;
  let stream: SseClient;
  const data = (e: SseEvent) => JSON.parse(e.data);
  const of = (type: string, match: (d: any) => boolean) => (e: SseEvent) => e.event === type && match(data(e));

  beforeAll(async () => {
    stack = await startDialerStack();
    stream = await openSse(`http://127.0.0.1:${stack.env.API_PORT}/api/v1/events`, { authorization: `Bearer ${stack.env.ADMIN_API_KEY}` });
    expect(stream.status).toBe(200);
  }, 90000);

  afterAll(async () => {
    stream?.close();
    await stack?.stop();
  });

  it('a simulator call played through gateway and call worker arrives as call.updated', async () => {
    const res = await fetch(`${stack.simUrl}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'answered' }),
    });
    expect(res.status).toBe(201);
    const { callId } = (await res.json()) as { callId: string };
    const [ended] = await stream.take(
      1,
      of('call.updated', (d) => d.callId === callId && d.status === 'completed'),
    );
    expect(data(ended)).toEqual({
      id: expect.any(String),
      callId,
      status: 'completed',
      outcome: expect.any(String),
      dialRequestId: null,
      batchId: null,
      candidateId: null,
      at: expect.any(String),
    });
    expect(ended.id).toMatch(/^\d+-\d+$/);
  }, 60000);

  it('a single call is followed by dial.updated from queued to completed, and its call row by call.updated', async () => {
    const created = await stack.api('POST', '/api/v1/calls', { toNumber: simNumber('0') });
    expect(created.status).toBe(202);
    const { id, dialRequestId } = created.json;
    await stream.take(
      1,
      of('dial.updated', (d) => d.dialRequestId === dialRequestId && d.status === 'completed'),
    );
    const statuses = stream.events.filter(of('dial.updated', (d) => d.dialRequestId === dialRequestId)).map((e) => data(e).status);
    expect(statuses[0]).toBe('queued');
    expect(statuses.slice(-1)).toEqual(['completed']);
    for (const s of ['dialing', 'live']) expect(statuses).toContain(s);
    expect(statuses.indexOf('dialing')).toBeLessThan(statuses.indexOf('live'));
    const calls = stream.events.filter(of('call.updated', (d) => d.id === id)).map(data);
    expect(calls[0]).toMatchObject({ id, callId: null, status: 'queued', dialRequestId });
    await stream.take(
      1,
      of('call.updated', (d) => d.id === id && d.status === 'completed' && d.callId),
    );
  }, 60000);

  it('a batch reports batch.progress until it completes', async () => {
    const created = await stack.api('POST', '/api/v1/batches', { maxConcurrent: 2, targets: [simNumber('0'), simNumber('0'), simNumber('0')] });
    expect(created.status).toBe(201);
    const batchId = created.json.id;
    const [done] = await stream.take(
      1,
      of('batch.progress', (d) => d.batchId === batchId && d.status === 'completed'),
    );
    expect(data(done)).toMatchObject({ batchId, status: 'completed', total: 3, counts: { queued: 0, live: 0, completed: 3, failed: 0, canceled: 0 } });
    const first = stream.events.find(of('batch.progress', (d) => d.batchId === batchId));
    expect(data(first!)).toMatchObject({ status: 'active', total: 3 });
    expect(stream.events.filter(of('dial.updated', (d) => d.batchId === batchId && d.status === 'completed'))).toHaveLength(3);
  }, 90000);
});
