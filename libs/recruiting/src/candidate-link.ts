import type { PrismaClient } from '@retell-ops/db';
import { isUuid } from '@retell-ops/domain';

export { candidateRefOf } from '@retell-ops/domain';

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
