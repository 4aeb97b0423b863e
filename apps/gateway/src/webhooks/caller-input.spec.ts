import { forLog, isAgentIdShaped, isTenantSlugShaped } from './caller-input';

describe('isAgentIdShaped', () => {
  it.each<[string, string, boolean]>([
    ['a current Retell id (agent_ + hex)', 'agent_3c2b1a0f9e8d7c6b5a4f3e2d', true],
    ['an older id (32 alphanumerics)', '16b980523634a6dc504898cda492e939', true],
    ['the simulator default', 'agent_sim_default', true],
    ['with a dash', 'agent-e2e-1', true],
    ['one character', 'a', true],
    ['128 characters', 'a'.repeat(128), true],
    ['129 characters', 'a'.repeat(129), false],
    ['4 MB', 'a'.repeat(4 * 1024 * 1024), false],
    ['empty', '', false],
    ['a space', 'agent x', false],
    ['a dot', 'agent.x', false],
    ['a slash', 'agent/../x', false],
    ['a newline at the end', 'agent_x\n', false],
    ['non-ASCII letters', 'agent_ü', false],
    ['a quote', 'agent_"', false],
  ])('%s', (_name, value, expected) => {
    expect(isAgentIdShaped(value)).toBe(expected);
  });
});

describe('isTenantSlugShaped', () => {
  it.each<[string, string, boolean]>([
    ['the default tenant', 'default', true],
    ['a test tenant (name-hex)', 'gw-other-3f2a1b0c9d8e', true],
    ['DEFAULT_TENANT_SLUG at its longest (63)', `a${'b'.repeat(62)}`, true],
    ['the simulator’s longest (64, with _ and capitals)', `A${'_'.repeat(63)}`, true],
    ['65 characters', 'a'.repeat(65), false],
    ['empty', '', false],
    ['leading dash', '-a', false],
    ['leading underscore', '_a', false],
    ['a dot', 'a.b', false],
    ['a space', 'a b', false],
    ['a slash', 'a/b', false],
    ['non-ASCII letters', 'tenänt', false],
  ])('%s', (_name, value, expected) => {
    expect(isTenantSlugShaped(value)).toBe(expected);
  });
});

describe('forLog', () => {
  it.each<[string, string | undefined | null, string]>([
    ['undefined', undefined, '-'],
    ['null', null, '-'],
    ['empty', '', '-'],
    ['short', 'call_abc', 'call_abc'],
    ['80 characters, kept whole', 'c'.repeat(80), 'c'.repeat(80)],
    ['81 characters, cut with an ellipsis', 'c'.repeat(81), `${'c'.repeat(80)}…`],
    ['4 MB, cut', 'd'.repeat(4 * 1024 * 1024), `${'d'.repeat(80)}…`],
    ['a newline cannot forge a line', 'x\nERROR forged', 'x?ERROR forged'],
    ['escape sequences and non-ASCII are masked', '\u001b[31mü', '?[31m?'],
  ])('%s', (_name, value, expected) => {
    expect(forLog(value)).toBe(expected);
  });
});
