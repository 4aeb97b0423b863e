/**
 * What must never appear in a log line, whatever a process logs (issue 14: no secret in any log
 * line during the test suite): the platform's API keys and session tokens, Retell API keys (the
 * test and development ones every suite uses), Retell signatures, bearer credentials.
 */
const SECRET_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['platform API key or session token', /\brops_(?!dev_admin_key_change_me\b)[A-Za-z0-9_-]{16,}/g],
  ['Retell API key', /\bkey_(?:test|dev)_[A-Za-z0-9_]{8,}/g],
  ['Retell signature', /\bv=\d{10,},d=[0-9a-f]{64}\b/g],
  ['bearer credential', /\bBearer\s+(?!\[redacted\])[A-Za-z0-9._~+/-]{16,}/gi],
];

/** Each secret-shaped string found in `text` (at most `limit`, each cut to 24 characters), with its kind. */
export function secretsIn(text: string, limit = 5): string[] {
  const found: string[] = [];
  for (const [kind, pattern] of SECRET_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      found.push(`${kind}: ${m[0].slice(0, 24)}…`);
      if (found.length >= limit) return found;
    }
  }
  return found;
}
