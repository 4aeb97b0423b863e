import { Injectable } from '@nestjs/common';
import { AppEnv, SecretBox } from '@retell-ops/config';
import { isUniqueViolation, PrismaService, type Prisma, type Tenant } from '@retell-ops/db';
import { RetellKeyCheck } from '@retell-ops/dialer';
import { ConflictError, InvalidInputError, isUuid, NotFoundError } from '@retell-ops/domain';
import { issueApiKey } from '../api-keys/api-key-issuer';
import type { CallingWindowBody } from '../dialer/dial.dto';
import { last4, RetellKeyRotation } from '../tenant/retell-key-rotation';
import type { CreatedTenantResource, CreateTenantBody, OperatorTenantResource, UpdateTenantBody } from './tenants.dto';

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** The tenant's first key: its admins issue the others (POST /api/v1/api-keys). */
const FIRST_KEY_NAME = 'first admin';

/** Tenants as the platform operator manages them: created with their first admin key, listed, changed; never deleted. */
@Injectable()
export class TenantsService {
  private readonly box: SecretBox;

  constructor(
    private readonly prisma: PrismaService,
    private readonly retellKeyCheck: RetellKeyCheck,
    private readonly rotation: RetellKeyRotation,
    env: AppEnv,
  ) {
    this.box = new SecretBox(env.ENCRYPTION_KEY);
  }

  async create(body: CreateTenantBody): Promise<CreatedTenantResource> {
    if (await this.prisma.tenant.findUnique({ where: { slug: body.slug }, select: { id: true } })) throw slugTaken(body.slug);
    await this.retellKeyCheck.check(body.retellApiKey);
    try {
      return await this.prisma.$transaction(async (tx) => {
        const tenant = await tx.tenant.create({
          data: {
            name: body.name,
            slug: body.slug,
            retellApiKeyEnc: this.box.encrypt(body.retellApiKey),
            defaultAgentId: body.defaultAgentId ?? null,
            defaultFromNumber: body.defaultFromNumber ?? null,
            timeZone: body.timeZone ?? null,
            ...windowColumns(body.callingWindow),
            active: body.active ?? true,
          },
        });
        if (body.defaultAgentId) await registerDefaultAgent(tx, tenant.id, body.defaultAgentId);
        const key = await issueApiKey(tx, { tenantId: tenant.id, name: FIRST_KEY_NAME, role: 'owner' });
        return { tenant: this.resource(tenant), apiKey: { id: key.id, key: key.key, prefix: key.prefix, role: key.role } };
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw slugTaken(body.slug);
      throw e;
    }
  }

  async list(): Promise<OperatorTenantResource[]> {
    return (await this.prisma.tenant.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).map((t) => this.resource(t));
  }

  async get(id: string): Promise<OperatorTenantResource> {
    return this.resource(await this.find(id));
  }

  async update(id: string, body: UpdateTenantBody): Promise<OperatorTenantResource> {
    await this.find(id);
    if (body.overlapMinutes !== undefined && body.retellApiKey === undefined)
      throw new InvalidInputError('overlapMinutes goes with a new retellApiKey', { field: 'overlapMinutes' });
    const data: Prisma.TenantUpdateInput = {
      ...(body.name !== undefined && { name: body.name }),
      ...(body.slug !== undefined && { slug: body.slug }),
      ...(body.defaultAgentId !== undefined && { defaultAgentId: body.defaultAgentId }),
      ...(body.defaultFromNumber !== undefined && { defaultFromNumber: body.defaultFromNumber }),
      ...(body.timeZone !== undefined && { timeZone: body.timeZone }),
      ...(body.callingWindow !== undefined && windowColumns(body.callingWindow)),
      ...(body.active !== undefined && { active: body.active }),
      ...(body.disabledTools !== undefined && { disabledTools: [...new Set(body.disabledTools)].sort() }),
    };
    if (body.retellApiKey !== undefined) await this.rotation.rotate(id, body.retellApiKey, body.overlapMinutes);
    try {
      const tenant = await this.prisma.$transaction(async (tx) => {
        if (body.defaultAgentId) await registerDefaultAgent(tx, id, body.defaultAgentId);
        return tx.tenant.update({ where: { id }, data });
      });
      return this.resource(tenant);
    } catch (e) {
      if (isUniqueViolation(e) && body.slug !== undefined) throw slugTaken(body.slug);
      throw e;
    }
  }

  private async find(id: string): Promise<Tenant> {
    const tenant = isUuid(id) ? await this.prisma.tenant.findUnique({ where: { id } }) : null;
    if (!tenant) throw new NotFoundError(`no tenant '${id}'`);
    return tenant;
  }

  private resource(t: Tenant): OperatorTenantResource {
    const until = t.retellApiKeyPrevUntil && t.retellApiKeyPrevUntil.getTime() > Date.now() ? t.retellApiKeyPrevUntil.toISOString() : null;
    return {
      id: t.id,
      name: t.name,
      slug: t.slug,
      retellApiKeyLast4: this.last4Of(t.retellApiKeyEnc),
      previousRetellKeyUntil: until,
      defaultAgentId: t.defaultAgentId,
      defaultFromNumber: t.defaultFromNumber,
      timeZone: t.timeZone,
      callingWindow:
        t.callingWindowStart === null || t.callingWindowEnd === null
          ? null
          : { start: hhmm(t.callingWindowStart), end: hhmm(t.callingWindowEnd), timeZone: t.callingWindowTimeZone ?? 'UTC' },
      active: t.active,
      disabledTools: t.disabledTools,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    };
  }

  private last4Of(sealed: string): string | null {
    try {
      return last4(this.box.decrypt(sealed));
    } catch {
      return null;
    }
  }
}

const slugTaken = (slug: string) => new ConflictError(`a tenant with slug '${slug}' exists already`, { code: 'slug_taken' });

function windowColumns(w: CallingWindowBody | null | undefined) {
  if (!w) return { callingWindowStart: null, callingWindowEnd: null, callingWindowTimeZone: null };
  const start = minutes(w.start);
  const end = minutes(w.end);
  if (start >= end)
    throw new InvalidInputError('callingWindow.start must be before callingWindow.end (windows do not cross midnight)', { field: 'callingWindow.start' });
  return { callingWindowStart: start, callingWindowEnd: end, callingWindowTimeZone: w.timeZone };
}

/** The default agent routes the tenant's webhooks, so it is registered to it; another tenant's agent is a 409. */
async function registerDefaultAgent(tx: Prisma.TransactionClient, tenantId: string, retellAgentId: string): Promise<void> {
  const existing = await tx.agent.findUnique({ where: { retellAgentId }, select: { tenantId: true } });
  if (existing && existing.tenantId !== tenantId)
    throw new ConflictError(`agent '${retellAgentId}' belongs to another tenant`, { code: 'agent_of_another_tenant' });
  if (!existing) await tx.agent.create({ data: { tenantId, retellAgentId, name: 'default agent' } });
}
