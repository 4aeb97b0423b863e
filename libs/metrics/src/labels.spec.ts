import { bearerMatches } from './exposition';
import { eventLabel, retellOperation } from './labels';

describe('metric labels stay bounded', () => {
  it.each([
    ['POST', 'https://api.retellai.com/v2/create-phone-call', 'POST /v2/create-phone-call'],
    ['GET', 'https://api.retellai.com/v2/get-call/call_8f3a9b1c2d', 'GET /v2/get-call/:id'],
    ['GET', 'http://127.0.0.1:3900/get-concurrency', 'GET /get-concurrency'],
    ['post', 'http://127.0.0.1:3900/v2/list-calls?x=1', 'POST /v2/list-calls'],
    ['DELETE', 'https://api.retellai.com/v2/delete-call/abc123/extra/more/and/more', 'DELETE /v2/delete-call/:id/extra'],
    ['GET', 'not a url', 'GET /'],
  ])('%s %s → %s', (method, url, label) => {
    expect(retellOperation(method, url)).toBe(label);
  });

  it.each([
    ['call_ended', 'call_ended'],
    ['transcript_updated', 'transcript_updated'],
    ['made_up_event_1234', 'other'],
    [undefined, 'unknown'],
  ])('event %s → %s', (event, label) => {
    expect(eventLabel(event)).toBe(label);
  });

  it.each([
    ['Bearer secret-token-0123456789', true],
    ['bearer secret-token-0123456789', true],
    ['Bearer secret-token-012345678', false],
    ['secret-token-0123456789', false],
    [undefined, false],
  ])('metrics token: %s → %s', (header, ok) => {
    expect(bearerMatches('secret-token-0123456789', header)).toBe(ok);
  });
});
