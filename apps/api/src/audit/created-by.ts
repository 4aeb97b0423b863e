import type { ActorType } from '@retell-ops/domain';

/** Who created a dial request or batch, as the API answers it: null when none was kept (calls that came only from webhooks). */
export interface CreatedBy {
  type: ActorType;
  id: string;
  label: string;
}

export function createdByOf(
  row: { createdByType: ActorType | null; createdById: string | null; createdByLabel: string | null } | null | undefined,
): CreatedBy | null {
  if (!row?.createdByType || !row.createdById) return null;
  return { type: row.createdByType, id: row.createdById, label: row.createdByLabel ?? row.createdById };
}
