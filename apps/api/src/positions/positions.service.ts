import { Injectable } from '@nestjs/common';
import { isUniqueViolation, Prisma, PrismaService, type Position } from '@retell-ops/db';
import { ConflictError, isUuid, NotFoundError } from '@retell-ops/domain';
import type { CreatePositionBody, ListPositionsQuery, PositionList, PositionResource, UpdatePositionBody } from './position.dto';

type Counted = Position & { _count: { candidates: number } };
const WITH_COUNT = { _count: { select: { candidates: true } } } as const;

function toResource(p: Counted): PositionResource {
  return {
    id: p.id,
    title: p.title,
    department: p.department,
    location: p.location,
    description: p.description,
    isOpen: p.isOpen,
    candidateCount: p._count.candidates,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

@Injectable()
export class PositionsService {
  constructor(private readonly prisma: PrismaService) {}

  async list(tenantId: string, q: ListPositionsQuery): Promise<PositionList> {
    const text = q.q?.trim();
    const rows = await this.prisma.position.findMany({
      where: {
        tenantId,
        isOpen: q.isOpen,
        ...(text
          ? { OR: (['title', 'department', 'location'] as const).map((f) => ({ [f]: { contains: text, mode: 'insensitive' } }) as Prisma.PositionWhereInput) }
          : {}),
      },
      include: WITH_COUNT,
      orderBy: [{ title: 'asc' }, { id: 'asc' }],
    });
    return { data: rows.map(toResource) };
  }

  async get(tenantId: string, id: string): Promise<PositionResource> {
    return toResource(await this.find(tenantId, id));
  }

  async create(tenantId: string, body: CreatePositionBody): Promise<PositionResource> {
    try {
      const p = await this.prisma.position.create({
        data: { tenantId, title: body.title, department: body.department, location: body.location, description: body.description, isOpen: body.isOpen },
        include: WITH_COUNT,
      });
      return toResource(p);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError(`a position titled '${body.title}' already exists`);
      throw e;
    }
  }

  async update(tenantId: string, id: string, body: UpdatePositionBody): Promise<PositionResource> {
    await this.find(tenantId, id);
    try {
      const p = await this.prisma.position.update({
        where: { id },
        data: { title: body.title, department: body.department, location: body.location, description: body.description, isOpen: body.isOpen },
        include: WITH_COUNT,
      });
      return toResource(p);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError(`a position titled '${body.title}' already exists`);
      throw e;
    }
  }

  /** Candidates keep their positionApplied text; their positionId becomes null. */
  async remove(tenantId: string, id: string): Promise<void> {
    await this.find(tenantId, id);
    await this.prisma.position.deleteMany({ where: { id, tenantId } });
  }

  private async find(tenantId: string, id: string): Promise<Counted> {
    const p = isUuid(id) ? await this.prisma.position.findFirst({ where: { id, tenantId }, include: WITH_COUNT }) : null;
    if (!p) throw new NotFoundError(`no position '${id}'`);
    return p;
  }
}
