import { callEventKey, transferDestinationText } from './transfer-destination';

describe('transferDestinationText', () => {
  it.each<[string, unknown, string | null]>([
    ['object with extension', { number: '+14155550100', extension: '1234' }, '+14155550100 ext. 1234'],
    ['object, numeric extension', { number: '+14155550100', extension: 12 }, '+14155550100 ext. 12'],
    ['object without extension', { number: '+14155550100' }, '+14155550100'],
    ['string (call object)', '+14155550100', '+14155550100'],
    ['sip uri', 'sip:desk@example.com', 'sip:desk@example.com'],
    ['empty string', '  ', null],
    ['no number', { extension: '1' }, null],
    ['null', null, null],
    ['array', ['+1'], null],
    ['long', 'x'.repeat(500), 'x'.repeat(200)],
  ])('%s', (_, value, expected) => {
    expect(transferDestinationText(value)).toBe(expected);
  });
});

describe('callEventKey', () => {
  const call = { call_id: 'call_1', transfer_destination: '+14155550199' };
  it.each<[string, string, unknown, string]>([
    ['a lifecycle event: one per call', 'call_ended', { event: 'call_ended', call }, ''],
    [
      'transfer_started: the event’s destination',
      'transfer_started',
      { call, transfer_destination: { number: '+14155550100', extension: '7' } },
      '+14155550100 ext. 7',
    ],
    ['transfer_ended: the call object’s destination', 'transfer_ended', { call }, '+14155550199'],
    ['a transfer without a destination', 'transfer_cancelled', { call: { call_id: 'call_1' } }, ''],
    ['a transfer with a null call', 'transfer_bridged', { call: null }, ''],
    ['not an object', 'transfer_started', 'x', ''],
  ])('%s', (_, event, body, expected) => {
    expect(callEventKey(event, body)).toBe(expected);
  });
});
