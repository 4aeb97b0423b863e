import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '@retell-ops/db';
import type { ReminderJob } from '@retell-ops/queue';

/**
 * A reminder coming due: recorded once, and only if the interview still stands at the instant
 * the reminder was made for (a moved or cancelled interview's stragglers do nothing).
 */
@Injectable()
export class FireReminder {
  private readonly logger = new Logger('InterviewReminders');

  constructor(private readonly prisma: PrismaService) {}

  async execute(job: ReminderJob): Promise<boolean> {
    const interview = await this.prisma.interview.findFirst({
      where: { id: job.interviewId, tenantId: job.tenantId },
      include: { candidate: { select: { firstName: true, lastName: true, phone: true, email: true } } },
    });
    if (!interview || interview.status !== 'scheduled' || interview.scheduledAt?.getTime() !== job.scheduledAt) return false;
    const kept = await this.prisma.interviewReminder.createMany({
      data: [{ interviewId: interview.id, offset: job.offset, scheduledAt: interview.scheduledAt }],
      skipDuplicates: true,
    });
    if (kept.count) {
      const who = [interview.candidate.firstName, interview.candidate.lastName].filter(Boolean).join(' ');
      this.logger.log(
        `reminder (${job.offset} before): interview ${interview.id} with ${who} at ${interview.scheduledAt.toISOString()} ${interview.timeZone ?? ''}`,
      );
    }
    return kept.count > 0;
  }
}
