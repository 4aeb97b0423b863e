import { Injectable } from '@nestjs/common';
import type { RecordedCall } from '@retell-ops/call-records';
import { PrismaService } from '@retell-ops/db';
import type { ScreeningJob } from '@retell-ops/queue';
import { candidateRefOf, findCandidateId } from './candidate-link';

/** The screening to apply for an analysed call, when the call is linked to one of the tenant's candidates. */
@Injectable()
export class ScreeningTrigger {
  constructor(private readonly prisma: PrismaService) {}

  async jobFor(call: RecordedCall): Promise<ScreeningJob | undefined> {
    const ref = candidateRefOf(call.metadata);
    const candidateId = call.candidateId ?? (ref ? await findCandidateId(this.prisma, call.tenantId, ref) : undefined);
    return candidateId ? { tenantId: call.tenantId, candidateId, retellCallId: call.retellCallId } : undefined;
  }
}
