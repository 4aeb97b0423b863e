import { parseQueueSelection, planConsumers, QueueWiringError } from './consumer-plan';
import { QUEUES, type QueueName } from './queues';

const c = (queue: QueueName, tag = queue) => ({ queue, tag });
const DIALER = [QUEUES.dialDispatch, QUEUES.dialPlace] as const;

describe('planConsumers: the handlers match the declared queues one to one', () => {
  it.each<[string, readonly QueueName[], Array<ReturnType<typeof c>>, string[] | undefined, string[]]>([
    ['every declared queue, in declared order', DIALER, [c(QUEUES.dialPlace), c(QUEUES.dialDispatch)], undefined, [QUEUES.dialDispatch, QUEUES.dialPlace]],
    ['one declared queue', [QUEUES.candidateScreening], [c(QUEUES.candidateScreening)], undefined, [QUEUES.candidateScreening]],
    ['QUEUES picks one', DIALER, [c(QUEUES.dialDispatch), c(QUEUES.dialPlace)], [QUEUES.dialPlace], [QUEUES.dialPlace]],
    [
      'QUEUES picks both, in any order',
      DIALER,
      [c(QUEUES.dialDispatch), c(QUEUES.dialPlace)],
      [QUEUES.dialPlace, QUEUES.dialDispatch],
      [QUEUES.dialDispatch, QUEUES.dialPlace],
    ],
  ])('%s', (_, declared, consumers, selection, expected) => {
    expect(planConsumers(declared, consumers, selection).map((x) => x.tag)).toEqual(expected);
  });

  it.each<[string, readonly QueueName[], Array<ReturnType<typeof c>>, string[] | undefined, string[]]>([
    ['a declared queue without a handler', DIALER, [c(QUEUES.dialDispatch)], undefined, ['declared queue dial-place.v1 has no handler']],
    [
      'two handlers for one queue',
      DIALER,
      [c(QUEUES.dialDispatch), c(QUEUES.dialPlace), c(QUEUES.dialPlace)],
      undefined,
      ['declared queue dial-place.v1 has 2 handlers'],
    ],
    [
      'a handler for a queue not declared',
      DIALER,
      [c(QUEUES.dialDispatch), c(QUEUES.dialPlace), c(QUEUES.callStarted)],
      undefined,
      ['a handler is given for queue call-started.v1, which this worker does not declare (declared: dial-dispatch.v1, dial-place.v1)'],
    ],
    ['a queue declared twice', [QUEUES.dialPlace, QUEUES.dialPlace], [c(QUEUES.dialPlace)], undefined, ['queue dial-place.v1 is declared twice']],
    [
      'QUEUES names a queue of another worker',
      DIALER,
      [c(QUEUES.dialDispatch), c(QUEUES.dialPlace)],
      [QUEUES.callStarted],
      ["QUEUES names 'call-started.v1', which this worker does not consume (valid: dial-dispatch.v1, dial-place.v1)"],
    ],
    [
      'QUEUES names no queue at all',
      DIALER,
      [c(QUEUES.dialDispatch), c(QUEUES.dialPlace)],
      ['dial-nothing.v9'],
      ["QUEUES names 'dial-nothing.v9', which this worker does not consume (valid: dial-dispatch.v1, dial-place.v1)"],
    ],
    ['QUEUES is empty', DIALER, [c(QUEUES.dialDispatch), c(QUEUES.dialPlace)], [], ['QUEUES names no queue (valid: dial-dispatch.v1, dial-place.v1)']],
    [
      'every problem at once',
      DIALER,
      [c(QUEUES.dialPlace), c(QUEUES.dialPlace), c(QUEUES.callEnded)],
      ['x.v1'],
      [
        'a handler is given for queue call-ended.v1, which this worker does not declare (declared: dial-dispatch.v1, dial-place.v1)',
        'declared queue dial-dispatch.v1 has no handler',
        'declared queue dial-place.v1 has 2 handlers',
        "QUEUES names 'x.v1', which this worker does not consume (valid: dial-dispatch.v1, dial-place.v1)",
      ],
    ],
  ])('%s is refused, with the reason', (_, declared, consumers, selection, problems) => {
    let error: unknown;
    try {
      planConsumers(declared, consumers, selection);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueueWiringError);
    expect((error as Error).message).toBe(`queue wiring: ${problems.join('; ')}`);
  });
});

describe('parseQueueSelection', () => {
  it.each<[string | undefined, string[] | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['  ', undefined],
    ['dial-place.v1', ['dial-place.v1']],
    ['dial-place.v1, dial-dispatch.v1', ['dial-place.v1', 'dial-dispatch.v1']],
    ['dial-place.v1,dial-place.v1', ['dial-place.v1']],
  ])('%p → %p', (value, expected) => {
    expect(parseQueueSelection(value)).toEqual(expected);
  });
});
