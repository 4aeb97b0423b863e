import { transferDestinationText } from './transfer-destination';

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
