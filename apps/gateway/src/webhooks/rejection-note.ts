/** What the code that refused a delivery knows about it; attached to the request, written after the answer. */
export interface Rejection {
  error: string;
  reason: string;
  tenantId?: string;
  tenantSlug?: string;
  callId?: string;
}

const REJECTION = Symbol('rops.rejection');
type Marked = { [REJECTION]?: Rejection };

export function rejectionOf(req: object): Rejection | undefined {
  return (req as Marked)[REJECTION];
}

/** Marks a refused delivery; no I/O (RejectionRecorder writes it once the answer is sent). */
export function noteRejection(req: object, rejection: Rejection): void {
  (req as Marked)[REJECTION] = rejection;
}
