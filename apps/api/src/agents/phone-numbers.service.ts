import { Injectable } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import { RetellClients } from '@retell-ops/dialer';
import { InvalidInputError, NotFoundError } from '@retell-ops/domain';
import { askRetell } from './ask-retell';
import { platformWebhookBase } from './agents.service';

export interface PhoneNumberView {
  phoneNumber: string;
  pretty: string | null;
  type: string | null;
  nickname: string | null;
  inboundAgentIds: string[];
  outboundAgentIds: string[];
  inboundWebhookUrl: string | null;
  /** the inbound webhook is this platform's URL for the tenant */
  inboundWebhookHere: boolean;
}

/** E.164: Retell names phone numbers by it in its paths (docs/retell.md#rest-api). */
const E164 = /^\+[1-9]\d{1,14}$/;
/** At most this many pages of Retell's list are read (1000 numbers each). */
const MAX_PAGES = 10;

type RetellNumber = {
  phone_number: string;
  phone_number_pretty?: string;
  phone_number_type?: string;
  nickname?: string | null;
  inbound_agents?: Array<{ agent_id: string }> | null;
  outbound_agents?: Array<{ agent_id: string }> | null;
  inbound_webhook_url?: string | null;
};

/** The tenant's phone numbers at Retell, and pointing a number's inbound webhook at this platform. */
@Injectable()
export class PhoneNumbersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly retell: RetellClients,
    private readonly env: AppEnv,
  ) {}

  async list(tenantId: string): Promise<PhoneNumberView[]> {
    const here = await this.inboundUrl(tenantId);
    const client = await askRetell('the tenant', () => this.retell.forTenant(tenantId));
    const numbers: RetellNumber[] = [];
    let paginationKey: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await askRetell('the list of phone numbers', () =>
        client.phoneNumber.list({ limit: 1000, ...(paginationKey ? { pagination_key: paginationKey } : {}) }),
      );
      const body = answer as unknown as { items?: RetellNumber[]; has_more?: boolean; pagination_key?: string } | RetellNumber[];
      const items = Array.isArray(body) ? body : (body.items ?? []);
      numbers.push(...items);
      if (Array.isArray(body) || !body.has_more || !body.pagination_key) break;
      paginationKey = body.pagination_key;
    }
    return numbers.map((n) => view(n, here));
  }

  /** Sets the number's inbound_webhook_url to `<public base>/webhooks/retell/inbound/<tenant slug>`. */
  async pointInboundHere(tenantId: string, phoneNumber: string): Promise<PhoneNumberView> {
    if (!E164.test(phoneNumber)) throw new InvalidInputError('the phone number must be E.164 (+ and up to 15 digits)', { field: 'number' });
    const here = await this.inboundUrl(tenantId);
    const client = await askRetell('the tenant', () => this.retell.forTenant(tenantId));
    const updated = await askRetell(
      `the inbound webhook of ${phoneNumber}`,
      () => client.phoneNumber.update(phoneNumber, { inbound_webhook_url: here }),
      'retell_phone_number_refused',
    );
    return view(updated as unknown as RetellNumber, here);
  }

  private async inboundUrl(tenantId: string): Promise<string> {
    const t = await this.prisma.tenant.findUnique({ where: { id: tenantId }, select: { slug: true } });
    if (!t) throw new NotFoundError('the tenant of this API key no longer exists');
    return `${platformWebhookBase(this.env)}/webhooks/retell/inbound/${t.slug}`;
  }
}

function view(n: RetellNumber, here: string): PhoneNumberView {
  return {
    phoneNumber: n.phone_number,
    pretty: n.phone_number_pretty ?? null,
    type: n.phone_number_type ?? null,
    nickname: n.nickname ?? null,
    inboundAgentIds: (n.inbound_agents ?? []).map((a) => a.agent_id),
    outboundAgentIds: (n.outbound_agents ?? []).map((a) => a.agent_id),
    inboundWebhookUrl: n.inbound_webhook_url ?? null,
    inboundWebhookHere: n.inbound_webhook_url === here,
  };
}
