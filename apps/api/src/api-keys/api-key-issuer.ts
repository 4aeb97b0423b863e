import type { Role } from '@retell-ops/domain';
import { hashApiKey, newApiKeyToken } from '@retell-ops/config';
import type { Prisma } from '@retell-ops/db';

/** Characters of a token kept in clear (`rops_` and 7 more), enough to tell keys apart in a list. */
export const API_KEY_PREFIX_LENGTH = 12;

export interface IssuedApiKey {
  id: string;
  /** The bearer token: shown this once, only its SHA-256 is stored. */
  key: string;
  prefix: string;
  role: Role;
  name: string;
  expiresAt: string | null;
}

/** A new API key of the tenant (inside the caller's transaction, so a tenant and its first key are made together). */
export async function issueApiKey(
  tx: Prisma.TransactionClient,
  input: { tenantId: string; name: string; role: Role; expiresAt?: Date },
): Promise<IssuedApiKey> {
  const key = newApiKeyToken();
  const prefix = key.slice(0, API_KEY_PREFIX_LENGTH);
  const row = await tx.apiKey.create({
    data: { tenantId: input.tenantId, name: input.name, role: input.role, keyHash: hashApiKey(key), prefix, expiresAt: input.expiresAt },
  });
  return { id: row.id, key, prefix, role: row.role, name: row.name, expiresAt: row.expiresAt?.toISOString() ?? null };
}
