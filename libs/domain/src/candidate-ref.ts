/** The id a call's metadata gives for its candidate (`candidate_id`, as the recruiting guide and the inbound answer pass it). */
export function candidateRefOf(metadata: unknown): string | undefined {
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return undefined;
  const ref = (metadata as Record<string, unknown>).candidate_id;
  if (typeof ref === 'number' && Number.isFinite(ref)) return String(ref);
  return typeof ref === 'string' && ref.trim() ? ref.trim() : undefined;
}
