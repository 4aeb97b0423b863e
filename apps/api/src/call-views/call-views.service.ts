import { Injectable, NotFoundException } from '@nestjs/common';
import { PrismaService } from '@retell-ops/db';
import { isUuid, transferDestinationText } from '@retell-ops/domain';

export interface DeliveryView {
  event: string;
  receivedAt: string;
  processedAt: string | null;
  /** transfer_* only: where the call was transferred to */
  transferDestination?: string | null;
}

export interface AgentActivity {
  retellAgentId: string;
  name: string | null;
  createdAt: string;
  lastCall: { id: string; callId: string | null; status: string; outcome: string | null; occurredAt: string } | null;
}

/** Read-only views the dashboard needs beside the call list: a call's deliveries, agents with their last call. */
@Injectable()
export class CallViews {
  constructor(private readonly prisma: PrismaService) {}

  /** The webhook deliveries kept for a call (Retell's id or ours), in the order they were received. */
  async deliveries(tenantId: string, callId: string): Promise<DeliveryView[]> {
    const call = await this.prisma.call.findFirst({
      where: { tenantId, OR: [{ retellCallId: callId }, ...(isUuid(callId) ? [{ id: callId }] : [])] },
      select: { id: true },
    });
    if (!call) throw new NotFoundException(`no call '${callId}'`);
    // A transfer's destination: the event's top-level object, else the call object's string.
    const events = await this.prisma.$queryRaw<Array<{ type: string; receivedAt: Date; processedAt: Date | null; destination: unknown }>>`
      SELECT "type", "receivedAt", "processedAt",
        CASE WHEN starts_with("type", 'transfer_') THEN COALESCE("payload"->'transfer_destination', "payload"->'call'->'transfer_destination') END AS "destination"
      FROM "CallEvent" WHERE "tenantId" = ${tenantId}::uuid AND "callId" = ${call.id}::uuid
      ORDER BY "receivedAt" ASC`;
    return events.map((e) => ({
      event: e.type,
      receivedAt: e.receivedAt.toISOString(),
      processedAt: e.processedAt?.toISOString() ?? null,
      ...(e.type.startsWith('transfer_') ? { transferDestination: transferDestinationText(e.destination) } : {}),
    }));
  }

  async agentsWithLastCall(tenantId: string): Promise<AgentActivity[]> {
    const agents = await this.prisma.agent.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' }, take: 500 });
    return Promise.all(
      agents.map(async (a) => {
        // One indexed lookup per agent ((tenantId, agentId) and the occurredAt order).
        const last = await this.prisma.call.findFirst({
          where: { tenantId, agentId: a.retellAgentId },
          orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
          select: { id: true, retellCallId: true, status: true, outcome: true, occurredAt: true },
        });
        return {
          retellAgentId: a.retellAgentId,
          name: a.name,
          createdAt: a.createdAt.toISOString(),
          lastCall: last
            ? { id: last.id, callId: last.retellCallId, status: last.status, outcome: last.outcome, occurredAt: last.occurredAt.toISOString() }
            : null,
        };
      }),
    );
  }
}
