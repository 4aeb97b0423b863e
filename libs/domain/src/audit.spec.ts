import { auditActionFor, auditSummaryOf, auditTargetTypeFor, isAuditedMethod, MAX_SUMMARY_CHARS, AUDIT_REDACTED, targetParamOf } from './audit';

describe('audit rules', () => {
  it.each([
    ['POST', '/api/v1/calls', 'calls.create', 'calls'],
    ['DELETE', '/api/v1/calls/:callId', 'calls.cancel', 'calls'],
    ['POST', '/api/v1/batches', 'batches.create', 'batches'],
    ['DELETE', '/api/v1/batches/:id', 'batches.cancel', 'batches'],
    ['POST', '/api/v1/api-keys', 'api_keys.create', 'api_keys'],
    ['DELETE', '/api/v1/api-keys/:id', 'api_keys.revoke', 'api_keys'],
    ['POST', '/api/v1/tenant/retell-key', 'tenant.retell_key.rotate', 'tenant'],
    ['POST', '/api/v1/tenants', 'tenants.create', 'tenants'],
    ['PATCH', '/api/v1/tenants/:id', 'tenants.update', 'tenants'],
    ['PUT', '/api/v1/positions/:id', 'positions.update', 'positions'],
    ['POST', '/api/v1/interviews/:id/reschedule', 'interviews.reschedule', 'interviews'],
    ['POST', '/api/v1/interviews/:id/cancel', 'interviews.cancel', 'interviews'],
    ['POST', '/api/v1/candidates/:id/retell-call-data', 'candidates.retell_call_data', 'candidates'],
    ['DELETE', '/api/v1/candidates/:id', 'candidates.delete', 'candidates'],
    ['POST', '/api/v1/auth/session', 'auth.sign_in', 'session'],
    ['DELETE', '/api/v1/auth/session', 'auth.sign_out', 'session'],
    ['POST', '/api/v1/auth/login', 'auth.sign_in', 'session'],
    ['POST', '/api/v1/agents', 'agents.connect', 'agents'],
    ['POST', '/api/v1/agents/import', 'agents.import', 'agents'],
    ['post', '/api/v1/users/:id/roles', 'users.roles', 'users'],
  ])('%s %s → %s on %s', (method, route, action, target) => {
    expect(auditActionFor(method, route)).toBe(action);
    expect(auditTargetTypeFor(route)).toBe(target);
  });

  it.each([
    ['POST', true],
    ['put', true],
    ['PATCH', true],
    ['DELETE', true],
    ['GET', false],
    ['HEAD', false],
    ['OPTIONS', false],
  ])('%s audited: %s', (method, audited) => expect(isAuditedMethod(method)).toBe(audited));

  it.each([
    [{ id: 'a' }, 'a'],
    [{ callId: 'c1' }, 'c1'],
    [{ tenantSlug: 's', agentId: 'ag' }, 'ag'],
    [{ token: 'secret-invite' }, undefined],
    [{ apiKeyId: 'k' }, undefined],
    [{}, undefined],
    [undefined, undefined],
  ])('target from params %j → %s', (params, id) => expect(targetParamOf(params as Record<string, unknown>)).toBe(id));

  describe('summary', () => {
    it('is null without a body', () => {
      expect(auditSummaryOf(undefined)).toBeNull();
      expect(auditSummaryOf(null)).toBeNull();
    });

    it.each([
      ['retellApiKey', 'key_live_abc'],
      ['apiKey', 'anything'],
      ['password', 'hunter2'],
      ['newPassword', 'hunter2'],
      ['token', 'abc'],
      ['inviteToken', 'abc'],
      ['secret', 'abc'],
      ['relaySecret', 'abc'],
      ['signature', 'v=1,d=2'],
      ['authorization', 'Bearer x'],
      ['csrfToken', 'x'],
      ['keyHash', 'x'],
    ])('redacts %s at any depth', (field, value) => {
      const s = auditSummaryOf({ [field]: value, nested: { deeper: [{ [field]: value }] } });
      expect(JSON.stringify(s)).not.toContain(value);
      expect(s).toEqual({ [field]: AUDIT_REDACTED, nested: { deeper: [{ [field]: AUDIT_REDACTED }] } });
    });

    it.each([['rops_abcdef0123'], ['key_live_xyz'], ['Bearer abc'], ['eyJhbGciOi.eyJzdWIi.sig'], ['$argon2id$v=19$m=1']])(
      'redacts a credential-looking value %s whatever its field',
      (value) => expect(auditSummaryOf({ note: value })).toEqual({ note: AUDIT_REDACTED }),
    );

    it('keeps plain fields', () => {
      expect(auditSummaryOf({ toNumber: '+14155550123', maxAttempts: 2, candidateId: null, ok: true })).toEqual({
        toNumber: '+14155550123',
        maxAttempts: 2,
        candidateId: null,
        ok: true,
      });
    });

    it('caps strings, arrays and depth', () => {
      const s = auditSummaryOf({ long: 'x'.repeat(1000), list: Array.from({ length: 50 }, (_, i) => i), a: { b: { c: { d: { e: 1 } } } } }) as Record<
        string,
        unknown
      >;
      expect(String(s.long).length).toBeLessThan(250);
      expect(s.list).toHaveLength(21);
      expect(JSON.stringify(s.a)).toBe('{"b":{"c":{"d":"{…}"}}}');
    });

    it('keeps only the field names past the size cap', () => {
      const body = { targets: Array.from({ length: 20 }, () => ({ toNumber: '+1'.padEnd(190, '5'), name: 'n'.repeat(190) })), name: 'big' };
      const s = auditSummaryOf(body) as Record<string, unknown>;
      expect(JSON.stringify(s).length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
      expect(s).toEqual({ truncated: true, chars: expect.any(Number), fields: ['targets', 'name'] });
    });
  });
});
