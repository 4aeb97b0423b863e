import { parseCli } from './cli-args';

describe('parseCli', () => {
  it('shows help for --help or no command', () => {
    expect(parseCli(['--help'])).toEqual({ kind: 'help' });
    expect(parseCli(['-h'])).toEqual({ kind: 'help' });
    expect(parseCli([])).toEqual({ kind: 'help' });
  });

  it('parses play with every option', () => {
    const cmd = parseCli([
      'play',
      '--scenario',
      'answered',
      '--duplicates',
      '3',
      '--reorder',
      '--tenant',
      'default',
      '--agent',
      'agent_x',
      '--gateway',
      'http://127.0.0.1:3000',
      '--to',
      '+14155550111',
      '--from',
      '+14155550100',
      '--delay',
      '50',
      '--turns',
      '20',
      '--call-id',
      'call_abc',
    ]);
    expect(cmd).toEqual({
      kind: 'play',
      gatewayUrl: 'http://127.0.0.1:3000',
      request: {
        scenario: 'answered',
        duplicates: 3,
        reorder: true,
        tenantSlug: 'default',
        agentId: 'agent_x',
        toNumber: '+14155550111',
        fromNumber: '+14155550100',
        delayMs: 50,
        transcriptTurns: 20,
        callId: 'call_abc',
      },
    });
  });

  it('a seed makes the reorder reproducible', () => {
    expect(parseCli(['play', '--scenario', 'busy', '--seed', '7'])).toMatchObject({ kind: 'play', request: { scenario: 'busy', reorder: 7 } });
  });

  it('drop and retry options', () => {
    expect(
      parseCli(['play', '--scenario', 'answered', '--drop-rate', '0.2', '--drop-events', 'call_analyzed', '--retries', '3', '--timeout', '500']),
    ).toMatchObject({
      kind: 'play',
      request: { scenario: 'answered', dropRate: 0.2, dropEvents: ['call_analyzed'], retries: 3, timeoutMs: 500 },
    });
  });

  it('live transcript and transfer options', () => {
    expect(parseCli(['play', '--scenario', 'transfer', '--live-transcript', '--transfer-to', '+14155550112'])).toEqual({
      kind: 'play',
      request: { scenario: 'transfer', liveTranscript: true, transferTo: '+14155550112' },
    });
    expect(parseCli(['play', '--scenario', 'transfer', '--transfer-to', '555'])).toMatchObject({ kind: 'error', message: /transferTo must be E.164/ });
  });

  it.each([
    [['play', '--scenario', 'busy', '--drop-rate', '2'], /dropRate must not be greater than 1/],
    [['play', '--scenario', 'busy', '--drop-rate', 'x'], /dropRate must be a number/],
    [['play', '--scenario', 'busy', '--drop-events', 'call_ended,hangup'], /dropEvents must list events of/],
    [['play', '--scenario', 'busy', '--retries', '11'], /retries must not be greater than 10/],
    [['play'], /scenario must be one of/],
    [['play', '--scenario', 'nope'], /scenario must be one of/],
    [['play', '--scenario', 'busy', '--duplicates', 'x'], /duplicates must be an integer/],
    [['play', '--scenario', 'busy', '--duplicates', '9'], /duplicates must not be greater than 5/],
    [['play', '--scenario', 'busy', '--to', '555'], /toNumber must be E.164/],
    [['play', '--scenario', 'busy', '--gateway', 'nope'], /--gateway must be a URL/],
    [['play', '--scenario', 'busy', '--bogus'], /Unknown option '--bogus'/],
    [['dance'], /unknown command "dance"/],
  ])('%j is a usage error', (argv, message) => {
    const cmd = parseCli(argv);
    expect(cmd.kind).toBe('error');
    expect(cmd.kind === 'error' && cmd.message).toMatch(message);
  });
});
