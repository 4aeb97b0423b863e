import type { IncomingMessage } from 'node:http';
import { Body, Controller, Get, HttpCode, Inject, Logger, Param, Post, Req, UseGuards } from '@nestjs/common';
import { SIM_CONFIG, type SimConfig } from '../config/sim-config';
import { CallEngine } from './call-engine.service';
import { parseListQuery } from './list-calls';
import { parseCreateBatchCall, parseCreatePhoneCall, undeclaredFields } from './request-validation';
import { assetNotFound, badRequest } from './retell-errors';
import { RetellAuthGuard } from './retell-auth.guard';

/** Retell's REST API at the paths retell-sdk 5.66.1 calls (docs/retell.md#rest-api). */
@Controller()
@UseGuards(RetellAuthGuard)
export class RetellApiController {
  private readonly logger = new Logger('RetellApi');

  constructor(
    private readonly engine: CallEngine,
    @Inject(SIM_CONFIG) private readonly config: SimConfig,
  ) {}

  /** Retell ignores fields it does not know; a warning makes a misspelt one visible. */
  private warnUndeclared(body: unknown, kind: Parameters<typeof undeclaredFields>[1], path: string): void {
    const extra = undeclaredFields(body, kind);
    if (extra.length) this.logger.warn(`${path}: ignored fields not in Retell's API: ${extra.join(', ')}`);
  }

  /** The bearer key when it is another workspace's (its calls are signed with it), else undefined (signed with RETELL_API_KEY). */
  private workspaceKeyOf(raw: IncomingMessage): string | undefined {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(String(raw.headers.authorization ?? ''));
    return match && this.config.workspaceKeys?.includes(match[1]) ? match[1] : undefined;
  }

  @Post('v2/create-phone-call')
  @HttpCode(201)
  async createPhoneCall(@Body() body: unknown, @Req() request: { raw: IncomingMessage }) {
    this.warnUndeclared(body, 'createPhoneCall', 'create-phone-call');
    const { call, delayMs, record } = this.engine.createPhoneCallAnswer({ ...parseCreatePhoneCall(body), signingKey: this.workspaceKeyOf(request.raw) });
    if (delayMs) {
      // The call is placed (ringing) before the answer comes back, as with a slow create at Retell.
      // A caller that hangs up meanwhile (its timeout, or its process died) closes the connection.
      let gone = false;
      const onClose = () => (gone = true);
      request.raw.socket?.once('close', onClose);
      await new Promise((r) => setTimeout(r, delayMs));
      request.raw.socket?.off('close', onClose);
      record.callerGone = gone || request.raw.socket?.destroyed !== false;
    }
    return call;
  }

  @Get('v2/get-call/:call_id')
  getCall(@Param('call_id') callId: string) {
    const call = this.engine.getCall(callId);
    if (!call) throw assetNotFound();
    return call;
  }

  @Post('v3/list-calls')
  @HttpCode(200)
  listCalls(@Body() body: unknown) {
    this.warnUndeclared(body, 'listCalls', 'list-calls');
    return this.engine.list(parseListQuery(body));
  }

  @Post('v2/stop-call/:call_id')
  @HttpCode(204)
  stopCall(@Param('call_id') callId: string): void {
    const result = this.engine.stopCall(callId);
    if (result === 'unknown') throw assetNotFound();
    if (result === 'not_active') throw badRequest('Call is not ongoing: only a registered or ongoing call can be stopped.');
  }

  @Post('create-batch-call')
  @HttpCode(201)
  createBatchCall(@Body() body: unknown) {
    this.warnUndeclared(body, 'batchCall', 'create-batch-call');
    const { concurrencyLimit, callStoreLimit } = this.engine.settings;
    return this.engine.createBatch(parseCreateBatchCall(body, { maxTasks: callStoreLimit, concurrencyLimit }));
  }

  @Get('get-concurrency')
  getConcurrency() {
    return this.engine.concurrency();
  }
}
