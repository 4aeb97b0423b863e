import { Injectable, Logger } from '@nestjs/common';
import { isUniqueViolation, Prisma, PrismaService } from '@retell-ops/db';
import { ConflictError, InvalidInputError, isUuid, NotFoundError, parseWorkingHours } from '@retell-ops/domain';
import { lockInterviewer } from '@retell-ops/recruiting';
import type { CreateInterviewerBody, InterviewerList, InterviewerResource, UpdateInterviewerBody } from './interviewer.dto';

type Row = Prisma.InterviewerGetPayload<object>;

function toResource(i: Row): InterviewerResource {
  return {
    id: i.id,
    name: i.name,
    email: i.email,
    timeZone: i.timeZone,
    workingHours: i.workingHours as InterviewerResource['workingHours'],
    slotMinutes: i.slotMinutes,
    positionIds: i.positionIds,
    active: i.active,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
  };
}

/** Interviewers and their working hours: what the agent's slot and booking tools read. */
@Injectable()
export class InterviewersService {
  private readonly logger = new Logger('Interviewers');

  constructor(private readonly prisma: PrismaService) {}

  async list(tenantId: string): Promise<InterviewerList> {
    const rows = await this.prisma.interviewer.findMany({ where: { tenantId }, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: 1000 });
    return { data: rows.map(toResource) };
  }

  async create(tenantId: string, body: CreateInterviewerBody): Promise<InterviewerResource> {
    const hours = workingHoursOf(body.workingHours);
    await this.checkPositions(tenantId, body.positionIds);
    try {
      return toResource(
        await this.prisma.interviewer.create({
          data: {
            tenantId,
            name: body.name,
            email: body.email,
            timeZone: body.timeZone,
            workingHours: hours,
            slotMinutes: body.slotMinutes,
            positionIds: body.positionIds,
            active: body.active,
          },
        }),
      );
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError(`an interviewer named '${body.name}' already exists`);
      throw e;
    }
  }

  /**
   * A new name is carried to their upcoming interviews (scheduled or needing review), which name the
   * interviewer as text: every booking path finds a clash by that name, so an interview left under
   * the old one would no longer keep its slot. Both names' booking locks are held meanwhile.
   * Cancelled and completed interviews keep the name they happened under.
   */
  async update(tenantId: string, id: string, body: UpdateInterviewerBody): Promise<InterviewerResource> {
    const before = await this.find(tenantId, id);
    await this.checkPositions(tenantId, body.positionIds);
    const newName = body.name !== undefined && body.name !== before.name ? body.name : undefined;
    try {
      const { row, carried } = await this.prisma.$transaction(async (tx) => {
        // in one order, so two renames between the same names cannot deadlock
        if (newName) for (const name of [before.name, newName].sort()) await lockInterviewer(tx, tenantId, name);
        const row = await tx.interviewer.update({
          where: { id },
          data: {
            name: body.name,
            email: body.email,
            timeZone: body.timeZone,
            workingHours: body.workingHours === undefined ? undefined : workingHoursOf(body.workingHours),
            slotMinutes: body.slotMinutes,
            positionIds: body.positionIds,
            active: body.active,
          },
        });
        const carried = newName
          ? await tx.$executeRaw`
              UPDATE "Interview" SET "interviewer" = ${newName}, "updatedAt" = now()
              WHERE "tenantId" = ${tenantId}::uuid AND lower("interviewer") = lower(${before.name}) AND "status"::text IN ('scheduled', 'needs_review')`
          : 0;
        return { row, carried };
      });
      if (carried) this.logger.log(`interviewer ${id} renamed: ${carried} upcoming interview(s) now name them as the interviewer`);
      return toResource(row);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError(`an interviewer named '${body.name}' already exists`);
      throw e;
    }
  }

  /** Their interviews stay (they name the interviewer as text); no new slots are offered. */
  async remove(tenantId: string, id: string): Promise<void> {
    await this.find(tenantId, id);
    await this.prisma.interviewer.deleteMany({ where: { id, tenantId } });
  }

  private async find(tenantId: string, id: string): Promise<Row> {
    const row = isUuid(id) ? await this.prisma.interviewer.findFirst({ where: { id, tenantId } }) : null;
    if (!row) throw new NotFoundError(`no interviewer '${id}'`);
    return row;
  }

  private async checkPositions(tenantId: string, ids: string[] | undefined): Promise<void> {
    if (!ids?.length) return;
    const found = await this.prisma.position.count({ where: { tenantId, id: { in: ids } } });
    if (found !== new Set(ids).size) throw new InvalidInputError('positionIds names a position this tenant does not have', { field: 'positionIds' });
  }
}

function workingHoursOf(value: unknown): Prisma.InputJsonValue {
  const hours = parseWorkingHours(value);
  if (!hours.ok) throw new InvalidInputError(hours.reason, { field: 'workingHours' });
  return hours.value as Prisma.InputJsonValue;
}
