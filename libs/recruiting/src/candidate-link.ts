import type { PrismaClient } from '@retell-ops/db';
import { isUuid } from '@retell-ops/domain';

/** The id a call's metadata gives for its candidate (`candidate_id`, as the recruiting guide passes it). */
export function candidateRefOf(metadata: unknown): string | undefined {
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return undefined;
  const ref = (metadata as Record<string, unknown>).candidate_id;
  if (typeof ref === 'number' && Number.isFinite(ref)) return String(ref);
  return typeof ref === 'string' && ref.trim() ? ref.trim() : undefined;
}

/**
 * Finds a tenant's candidate by our id or by the tenant's own (external) id: calls name either,
 * and the seed's integration passes its own ("199").
 */
export async function findCandidateId(prisma: PrismaClient, tenantId: string, ref: string): Promise<string | undefined> {
  const found = await prisma.candidate.findFirst({
    where: { tenantId, OR: [...(isUuid(ref) ? [{ id: ref }] : []), { externalId: ref }] },
    select: { id: true },
  });
  return found?.id;
}
