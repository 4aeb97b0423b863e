import { trustProxyOf } from './http-app';

describe('TRUST_PROXY → Fastify trustProxy', () => {
  it.each<[string, boolean | string]>([
    ['loopback', 'loopback'],
    ['true', true],
    ['TRUE', true],
    ['false', false],
    ['', false],
    ['10.0.0.5', '10.0.0.5'],
    [' loopback , 10.0.0.0/8 ', 'loopback,10.0.0.0/8'],
  ])('%j → %j', (value, expected) => expect(trustProxyOf(value)).toEqual(expected));
});
