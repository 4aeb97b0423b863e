import { buildInboundAnswer, chatInboundAnswer, defaultInboundAnswer, inboundDeliveryKey, type InboundCandidate } from './inbound-answer';
import { spokenInstant } from './interview-slots';
import { decideInbound, parseInboundRules, type InboundCaller, type InboundDecision, type InboundRules } from './inbound-rules';

const RULES: InboundRules = {
  blockedNumbers: ['+14155550999', '+1900*'],
  agentRules: [
    { caller: 'known', interviewBooked: true, agentId: 'agent_interviews' },
    { caller: 'known', statuses: ['rejected', 'withdrawn'], agentId: 'agent_closed', agentVersion: 2 },
    { caller: 'unknown', agentId: 'agent_front_desk' },
  ],
};

const known = (status: InboundCaller['candidate'] extends infer C ? (C extends { status: infer S } ? S : never) : never, interviewBooked = false) => ({
  fromNumber: '+14155550100',
  candidate: { status, interviewBooked },
});

describe('decideInbound', () => {
  it.each<[string, InboundRules, InboundCaller, InboundDecision]>([
    ['a blocked number is rejected', RULES, { fromNumber: '+14155550999' }, { reject: true, blockedBy: '+14155550999' }],
    ['a blocked prefix is rejected', RULES, { fromNumber: '+19005551234' }, { reject: true, blockedBy: '+1900*' }],
    [
      'rejection wins over an agent rule, even for a candidate',
      RULES,
      { ...known('new', true), fromNumber: '+14155550999' },
      { reject: true, blockedBy: '+14155550999' },
    ],
    ['a prefix does not match a longer country code', RULES, { fromNumber: '+4419005551234' }, { reject: false, agentId: 'agent_front_desk', rule: 2 }],
    ['a candidate with an interview booked', RULES, known('interviewing', true), { reject: false, agentId: 'agent_interviews', rule: 0 }],
    ['a closed candidate, with the rule’s version', RULES, known('rejected'), { reject: false, agentId: 'agent_closed', agentVersion: 2, rule: 1 }],
    ['a candidate no rule names: the number’s own agent', RULES, known('screening'), { reject: false }],
    ['an unknown caller', RULES, { fromNumber: '+14155550123' }, { reject: false, agentId: 'agent_front_desk', rule: 2 }],
    ['no rules at all', { blockedNumbers: [], agentRules: [] }, known('new'), { reject: false }],
    [
      'caller any matches everyone, first rule wins',
      {
        blockedNumbers: [],
        agentRules: [
          { caller: 'any', agentId: 'agent_all' },
          { caller: 'known', agentId: 'agent_never' },
        ],
      },
      known('new'),
      { reject: false, agentId: 'agent_all', rule: 0 },
    ],
    [
      'interviewBooked false matches only those without one',
      { blockedNumbers: [], agentRules: [{ caller: 'known', interviewBooked: false, agentId: 'agent_book' }] },
      known('screening', true),
      { reject: false },
    ],
  ])('%s', (_name, rules, caller, expected) => expect(decideInbound(rules, caller)).toEqual(expected));
});

describe('parseInboundRules', () => {
  it.each<[string, unknown, string | InboundRules]>([
    ['nothing stored: no rules', null, { blockedNumbers: [], agentRules: [] }],
    ['the example rules', RULES, RULES],
    [
      'defaults caller to any and drops duplicates',
      { blockedNumbers: ['+14155550999', '+14155550999'], agentRules: [{ agentId: 'a_1' }] },
      { blockedNumbers: ['+14155550999'], agentRules: [{ caller: 'any', agentId: 'a_1' }] },
    ],
    ['not an object', 'block everyone', 'rules must be an object'],
    ['blockedNumbers not an array', { blockedNumbers: '+1' }, 'blockedNumbers must be an array'],
    ['a number that is not E.164', { blockedNumbers: ['4155550999'] }, 'blockedNumbers[0] must be an E.164 number or a prefix ending in * (e.g. +1900*)'],
    ['a bare + prefix without *', { blockedNumbers: ['+1'] }, 'blockedNumbers[0] must be an E.164 number or a prefix ending in * (e.g. +1900*)'],
    ['too many numbers', { blockedNumbers: Array.from({ length: 1001 }, (_, i) => `+1415${String(i).padStart(7, '0')}`) }, 'blockedNumbers holds at most 1000'],
    ['an unknown caller kind', { agentRules: [{ caller: 'vip', agentId: 'a' }] }, 'agentRules[0].caller must be one of any, known, unknown'],
    ['an agent id with a space', { agentRules: [{ agentId: 'agent 1' }] }, 'agentRules[0].agentId must be a Retell agent id (letters, digits, _ and -)'],
    ['a negative version', { agentRules: [{ agentId: 'a', agentVersion: -1 }] }, 'agentRules[0].agentVersion must be a whole number ≥ 0'],
    [
      'an unknown status',
      { agentRules: [{ caller: 'known', agentId: 'a', statuses: ['lost'] }] },
      expect.stringContaining('agentRules[0].statuses must list candidate statuses') as unknown as string,
    ],
    [
      'a status rule for unknown callers',
      { agentRules: [{ caller: 'unknown', agentId: 'a', interviewBooked: true }] },
      'agentRules[0]: statuses and interviewBooked apply to known callers only (caller: known)',
    ],
    [
      'interviewBooked not a boolean',
      { agentRules: [{ caller: 'known', agentId: 'a', interviewBooked: 'yes' }] },
      'agentRules[0].interviewBooked must be true or false',
    ],
  ])('%s', (_name, input, expected) => {
    const result = parseInboundRules(input);
    if (typeof expected === 'string' || !('agentRules' in (expected as object))) expect(result).toEqual({ ok: false, reason: expected });
    else expect(result).toEqual({ ok: true, rules: expected });
  });
});

describe('buildInboundAnswer', () => {
  const tenant = { name: 'Acme Hiring', timeZone: 'America/Chicago' };
  const ana: InboundCandidate = {
    id: '6f1c1d5e-1111-4c3b-9a51-4b2d0b7f0a11',
    firstName: 'Ana',
    lastName: 'García',
    position: 'Backend Engineer',
    status: 'interviewing',
    timeZone: 'America/New_York',
    nextInterview: { at: new Date('2021-03-02T19:30:00Z'), timeZone: 'America/Los_Angeles' },
  };

  it('a known caller: every variable a string, the candidate id in metadata, the rule’s agent', () => {
    const { kind, answer } = buildInboundAnswer({ tenant, candidate: ana, decision: { reject: false, agentId: 'agent_interviews', agentVersion: 4, rule: 0 } });
    expect(kind).toBe('known');
    expect(answer).toEqual({
      call_inbound: {
        dynamic_variables: {
          known_caller: 'true',
          tenant_name: 'Acme Hiring',
          candidate_name: 'Ana García',
          first_name: 'Ana',
          position: 'Backend Engineer',
          candidate_status: 'interviewing',
          next_interview: 'Tuesday, March 2 at 2:30 PM Eastern Time',
          next_interview_iso: '2021-03-02T19:30:00.000Z',
        },
        metadata: { candidate_id: ana.id },
        override_agent_id: 'agent_interviews',
        override_agent_version: 4,
      },
    });
    expect(Object.values(answer.call_inbound.dynamic_variables).every((v) => typeof v === 'string')).toBe(true);
  });

  it.each<[string, Partial<InboundCandidate>, string]>([
    ['the candidate’s zone first', {}, 'Tuesday, March 2 at 2:30 PM Eastern Time'],
    ['else the interview’s', { timeZone: null }, 'Tuesday, March 2 at 11:30 AM Pacific Time'],
    [
      'else the tenant’s',
      { timeZone: null, nextInterview: { at: new Date('2021-03-02T19:30:00Z'), timeZone: null } },
      'Tuesday, March 2 at 1:30 PM Central Time',
    ],
    ['an invalid zone reads as UTC', { timeZone: 'Mars/Olympus' }, 'Tuesday, March 2 at 7:30 PM UTC'],
  ])('next_interview in words: %s', (_name, change, words) => {
    const { answer } = buildInboundAnswer({ tenant, candidate: { ...ana, ...change }, decision: { reject: false } });
    expect(answer.call_inbound.dynamic_variables.next_interview).toBe(words);
  });

  it('an unknown caller gets the default answer, a rule’s agent aside', () => {
    const { kind, answer } = buildInboundAnswer({ tenant, candidate: null, decision: { reject: false } });
    expect(kind).toBe('unknown');
    expect(answer).toEqual(defaultInboundAnswer(tenant));
    expect(answer.call_inbound.dynamic_variables).toMatchObject({ known_caller: 'false', tenant_name: 'Acme Hiring', first_name: '', next_interview: '' });
    expect(answer.call_inbound).not.toHaveProperty('override_agent_id');
  });

  it('a rejection says reject: true and chooses no agent', () => {
    const { kind, answer } = buildInboundAnswer({ tenant, candidate: ana, decision: { reject: true, blockedBy: '+1900*' } });
    expect(kind).toBe('rejected');
    expect(answer.call_inbound.reject).toBe(true);
    expect(answer.call_inbound).not.toHaveProperty('override_agent_id');
  });

  it('spokenInstant without minutes past the hour still reads :00', () => {
    expect(spokenInstant(new Date('2021-07-05T13:00:00Z'), 'Europe/Madrid')).toBe('Monday, July 5 at 3:00 PM Central European Time');
  });
});

describe('inboundDeliveryKey', () => {
  it.each([
    ['Retell’s call id when sent', { id: 'call_abc', from_number: '+1', to_number: '+2' }, 1, 'id:call_abc'],
    [
      'else from, to and the event time',
      { from_number: '+14155550100', to_number: '+14155550123' },
      1614712200000,
      'ft:+14155550100|+14155550123|1614712200000',
    ],
  ])('%s', (_name, inbound, ts, key) => expect(inboundDeliveryKey(inbound, ts)).toBe(key));

  it.each([
    ['a chat id', { id: 'chat_abc', from_number: '+1', to_number: '+2' }, 'chat-id:chat_abc'],
    ['a chat without an id', { from_number: '+1', to_number: '+2' }, 'chat-ft:+1|+2|5'],
  ])('chat_inbound: %s, never a call’s key', (_name, inbound, key) => expect(inboundDeliveryKey(inbound, 5, 'chat_inbound')).toBe(key));
});

describe('chatInboundAnswer', () => {
  it('keeps the variables, metadata and rejection under chat_inbound, without the voice agent override', () => {
    const answer = {
      call_inbound: {
        dynamic_variables: { first_name: 'Ada' },
        metadata: { candidate_id: 'c1' },
        override_agent_id: 'agent_voice',
        override_agent_version: 2,
        reject: true as const,
      },
    };
    expect(chatInboundAnswer(answer)).toEqual({ chat_inbound: { dynamic_variables: { first_name: 'Ada' }, metadata: { candidate_id: 'c1' }, reject: true } });
  });
});
