import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { PhoneNumberResource } from './agents.dto';
import { PhoneNumbersService, type PhoneNumberView } from './phone-numbers.service';

/** The tenant's phone numbers at Retell (docs/agents.md#phone-numbers). */
@ApiTags('agents')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/phone-numbers')
export class PhoneNumbersController {
  constructor(private readonly numbers: PhoneNumbersService) {}

  @Get()
  @RequirePermission('agents:read')
  @ApiOperation({ summary: "The tenant's phone numbers, as Retell's list-phone-numbers answers under its key" })
  @ApiOkResponse({ type: [PhoneNumberResource] })
  @ApiUnprocessableEntityResponse({ description: 'Retell refused (its answer in message)' })
  @ApiServiceUnavailableResponse({ description: 'Retell could not be reached' })
  list(@CurrentPrincipal() p: Principal): Promise<PhoneNumberView[]> {
    return this.numbers.list(p.tenantId);
  }

  @Post(':number/inbound-webhook')
  @RequirePermission('agents:write')
  @HttpCode(200)
  @ApiOperation({ summary: "Point the number's inbound webhook at this platform: <public base>/webhooks/retell/inbound/<tenant slug>" })
  @ApiOkResponse({ type: PhoneNumberResource })
  @ApiForbiddenResponse({ description: 'viewer key' })
  @ApiUnprocessableEntityResponse({ description: 'Retell refused (a number not in the account: its answer in message)' })
  @ApiServiceUnavailableResponse({ description: 'Retell could not be reached' })
  pointInbound(@CurrentPrincipal() p: Principal, @Param('number') phoneNumber: string): Promise<PhoneNumberView> {
    return this.numbers.pointInboundHere(p.tenantId, phoneNumber);
  }
}
