import { Injectable, Logger } from '@nestjs/common';
import { CallRows } from '@retell-ops/call-records';
import { Prisma, PrismaService } from '@retell-ops/db';
import { decideScreeningOutcome, parseCallAnalysis, type CandidateStatus, type ScreeningAnalysis, type ScreeningDecision } from '@retell-ops/domain';
import type { SchedulingJob, ScreeningJob } from '@retell-ops/queue';

export interface ScreeningApplied {
  /** false when this call had already been applied (a replay): nothing changed */
  applied: boolean;
  decision?: ScreeningDecision;
  /** What the scheduling worker should book for this call (idempotent by job id). */
  followUps: SchedulingJob[];
}

/**
 * Applies one analysed call to its candidate, once: the screening data (unless a newer call
 * already set it), the pipeline status (forward only, via the pure rules), the attempt count.
 * Interviews and callbacks are booked by the scheduling worker from the returned follow-ups.
 */
@Injectable()
export class ApplyScreening {
  private readonly logger = new Logger('ApplyScreening');

  constructor(private readonly prisma: PrismaService) {}

  async execute(job: ScreeningJob): Promise<ScreeningApplied> {
    const call = await this.prisma.call.findUnique({ where: { tenantId_retellCallId: { tenantId: job.tenantId, retellCallId: job.retellCallId } } });
    if (!call) throw new Error(`call ${job.retellCallId} is not recorded yet`);
    const analysis = parseCallAnalysis({
      call_summary: call.summary ?? undefined,
      user_sentiment: call.sentiment ?? undefined,
      call_successful: call.successful ?? undefined,
      in_voicemail: call.inVoicemail ?? undefined,
      custom_analysis_data: call.customAnalysis ?? undefined,
    });
    const callEndedAt = call.endedAt ?? call.startedAt ?? call.createdAt;

    return this.prisma.$transaction(async (tx) => {
      const kept = await tx.candidateScreening.createMany({
        data: [
          {
            tenantId: job.tenantId,
            candidateId: job.candidateId,
            retellCallId: job.retellCallId,
            outcome: analysis.outcome?.raw ?? null,
            analysis: toJson(analysis),
            callEndedAt,
          },
        ],
        skipDuplicates: true,
      });
      const [candidate] = await tx.$queryRaw<
        Array<{ status: CandidateStatus; timeZone: string | null; lastScreenedAt: Date | null; tenantZone: string | null }>
      >`
        SELECT c."status"::text AS "status", c."timeZone", c."lastScreenedAt", t."timeZone" AS "tenantZone"
        FROM "Candidate" c JOIN "Tenant" t ON t."id" = c."tenantId"
        WHERE c."id" = ${job.candidateId}::uuid AND c."tenantId" = ${job.tenantId}::uuid
        FOR UPDATE OF c`;
      if (!candidate) throw new Error(`candidate ${job.candidateId} not found in tenant ${job.tenantId}`);

      const decision = decideScreeningOutcome(analysis, { current: candidate.status, candidateZone: candidate.timeZone, tenantZone: candidate.tenantZone });
      const followUps: SchedulingJob[] = [
        ...(decision.interview ? [{ kind: 'interview' as const, tenantId: job.tenantId, candidateId: job.candidateId, retellCallId: job.retellCallId }] : []),
        ...(decision.callback ? [{ kind: 'callback' as const, tenantId: job.tenantId, candidateId: job.candidateId, retellCallId: job.retellCallId }] : []),
      ];
      if (kept.count === 0) return { applied: false, decision, followUps };

      // A late or replayed older call never overwrites what a newer call set.
      const newer = !candidate.lastScreenedAt || callEndedAt >= candidate.lastScreenedAt;
      await tx.candidate.update({
        where: { id: job.candidateId },
        data: {
          ...(newer ? screeningFields(analysis, job.retellCallId, callEndedAt) : {}),
          ...(decision.statusChanged ? { status: decision.candidateStatus, statusChangedAt: new Date() } : {}),
          ...(decision.rejectionReason && decision.statusChanged ? { rejectionReason: decision.rejectionReason } : {}),
          ...(decision.countAttempt ? { callAttempts: { increment: 1 } } : {}),
        },
      });
      await CallRows.linkCandidate(tx, call.id, job.candidateId);
      this.logger.log(`call ${job.retellCallId} → candidate ${job.candidateId}: ${decision.reason}, ${candidate.status} → ${decision.candidateStatus}`);
      return { applied: true, decision, followUps };
    });
  }
}

function screeningFields(a: ScreeningAnalysis, retellCallId: string, callEndedAt: Date): Prisma.CandidateUpdateInput {
  const enumRaw = (v?: { value: string | null; raw: string }) => (v ? (v.value ?? v.raw) : undefined);
  return {
    qualified: a.isQualifiedCandidate ?? null,
    interestLevel: enumRaw(a.candidateInterestLevel) ?? null,
    yearsExperience: a.yearsOfExperience ?? null,
    salaryExpectation: a.salaryExpectation ?? null,
    skills: a.technicalSkillsMentioned,
    questionsAsked: a.questionsAsked,
    screeningOutcome: enumRaw(a.outcome) ?? null,
    rejectionReason: a.rejectionReason ?? null,
    notes: a.additionalNotes ?? null,
    availabilityPreference: a.availabilityPreference ?? null,
    unavailableDates: a.unavailableDates ?? null,
    spokenTimeZone: a.candidateTimezone ?? null,
    interviewScheduled: a.interviewScheduled ?? null,
    scheduledDate: a.scheduledDate ?? null,
    scheduledTime: a.scheduledTime ?? null,
    scheduledTimezone: a.scheduledTimezone ?? null,
    scheduledDatetimeIso: a.scheduledDatetimeIso ?? null,
    callSummary: a.callSummary ?? null,
    sentiment: enumRaw(a.userSentiment) ?? null,
    screeningIssues: a.issues.length ? toJson(a.issues) : Prisma.DbNull,
    lastScreeningCallId: retellCallId,
    lastScreenedAt: callEndedAt,
  };
}

function toJson(v: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue;
}
