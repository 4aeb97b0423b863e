import { Controller, Get, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LiveTools, readToolRequest, toolOf, TOOL_ALIASES, type ToolResult } from '@retell-ops/recruiting/live';
import { TenantSignature } from '../tenants/tenant-signature';
import { answerDelivery } from '../webhooks/answer-delivery';
import { reply } from '../webhooks/ingest-result';
import { ToolSettings } from './tool-settings';

const EMPTY = Buffer.alloc(0);
const UNKNOWN_TOOL = `no such tool; tools: ${Object.keys(TOOL_ALIASES).join(', ')}`;

/** What the agent hears when a tool is turned off for the tenant (200, so it says this rather than "an error"). */
export const TOOL_DISABLED: ToolResult = { ok: false, disabled: true, error: 'I am not able to do that on this call. Someone from the team will follow up.' };
/** What the agent hears when the platform cannot answer (the database is down, a bug): never a stack. */
export const TOOL_UNAVAILABLE: ToolResult = { ok: false, error: 'I cannot check that right now. Someone from the team will follow up.' };

/**
 * Retell custom functions ("tools") of a tenant's agent: POST (or GET, signed over the empty
 * body) /webhooks/retell/tools/<tenant-slug>/<tool>. Verified with the tenant's Retell key like
 * its webhooks; the answer is a JSON object the agent reads (docs/live-calls.md#tool-calls).
 */
@Controller('webhooks/retell/tools')
export class ToolsController {
  private readonly logger = new Logger('RetellTools');

  constructor(
    private readonly signature: TenantSignature,
    private readonly settings: ToolSettings,
    private readonly tools: LiveTools,
  ) {}

  @Post(':tenantSlug/:toolName')
  post(@Param('tenantSlug') slug: string, @Param('toolName') toolName: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    return this.answer(slug, toolName, (req.body as Buffer | undefined) ?? EMPTY, req, res);
  }

  @Get(':tenantSlug/:toolName')
  get(@Param('tenantSlug') slug: string, @Param('toolName') toolName: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    return this.answer(slug, toolName, EMPTY, req, res);
  }

  private async answer(slug: string, toolName: string, bytes: Buffer, req: FastifyRequest, res: FastifyReply): Promise<void> {
    const started = performance.now();
    const signed = await this.signature.verifyBySlug(slug, bytes, req.headers['x-retell-signature']);
    if ('rejected' in signed) return answerDelivery(this.logger, req, res, signed.rejected, started);
    const { tenant } = signed;
    const known = { tenant: tenant.slug, tenantId: tenant.id };
    const tool = toolOf(toolName);
    if (!tool) return answerDelivery(this.logger, req, res, reply.reject(404, 'unknown_tool', UNKNOWN_TOOL, known), started);
    let body: unknown;
    if (req.method === 'POST' && bytes.length) {
      try {
        body = JSON.parse(bytes.toString('utf8'));
      } catch {
        return answerDelivery(this.logger, req, res, reply.reject(400, 'bad_json', 'the body is not JSON', known), started);
      }
    }
    const read = readToolRequest(req.method, body ?? {}, (req.query ?? {}) as Record<string, unknown>);
    if (!read.ok) return answerDelivery(this.logger, req, res, reply.reject(400, 'bad_request', read.reason, known), started);
    const { call, args } = read.request;
    let result: ToolResult;
    try {
      const settings = await this.settings.of(tenant.id);
      result = settings?.disabledTools.includes(tool)
        ? TOOL_DISABLED
        : await this.tools.invoke(settings ? { id: tenant.id, timeZone: settings.timeZone } : { id: tenant.id }, tool, call, args);
    } catch (e) {
      this.logger.error(
        `tool ${tool} of tenant ${tenant.slug} failed (call ${call.callId ?? '-'}): ${String((e as Error)?.message ?? e)
          .split('\n')[0]
          .slice(0, 300)}`,
      );
      result = TOOL_UNAVAILABLE;
    }
    void res.status(200).header('cache-control', 'no-store').send(result);
  }
}
