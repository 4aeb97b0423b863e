import { main } from './cli';

describe('retell-sim CLI: the simulator’s refusals apply to `play` too', () => {
  let errors: string[];
  beforeEach(() => {
    errors = [];
    jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['NODE_ENV=production', { NODE_ENV: 'production' }, /^retell-sim: refusing to play: .*NODE_ENV=production/],
    [
      'a non-development key',
      { RETELL_API_KEY: 'key_0f1e2d3c4b5a69788796a5b4c3d2e1f0' },
      /^retell-sim: refusing to play: RETELL_API_KEY is not a development key/,
    ],
  ])('%s → exit 2 before anything is sent', async (_name, source, message) => {
    // An unreachable gateway: had it tried to deliver, the answer would be 1, not 2.
    expect(await main(['play', '--scenario', 'busy', '--gateway', 'http://127.0.0.1:9'], source)).toBe(2);
    expect(errors).toEqual([expect.stringMatching(message)]);
  });

  it('help needs no safe environment', async () => {
    expect(await main(['--help'], { NODE_ENV: 'production' })).toBe(0);
  });
});
