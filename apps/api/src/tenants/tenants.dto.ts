import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { E164, IsIanaZone, Trim } from '../common/validators';
import { CallingWindowBody } from '../dialer/dial.dto';
import type { Role } from '@retell-ops/domain';
import { TOOLS } from '@retell-ops/recruiting';

export const TENANT_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SLUG_MESSAGE = 'slug must be lowercase letters, digits and dashes (at most 63, not starting with a dash)';
/** Defined: a value of the field must pass; `null` is refused too (the column cannot be emptied). */
const Given = () => ValidateIf((_o, v) => v !== undefined);

/** The fields a tenant is created with; all but name, slug and retellApiKey optional. */
export class CreateTenantBody {
  @ApiProperty({ example: 'Acme Staffing' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'acme', description: 'Unique; names the tenant in /webhooks/retell/<slug>' })
  @IsString()
  @Matches(TENANT_SLUG, { message: SLUG_MESSAGE })
  slug: string;

  @ApiProperty({ description: "The tenant's Retell API key: checked with Retell before it is stored (sealed); never returned" })
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  retellApiKey: string;

  @ApiPropertyOptional({ description: 'Retell agent_id used when a call names none (registered to this tenant)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  defaultAgentId?: string | null;

  @ApiPropertyOptional({ example: '+14155550100' })
  @IsOptional()
  @IsString()
  @Matches(E164, { message: 'defaultFromNumber must be an E.164 number such as +14155550100' })
  defaultFromNumber?: string | null;

  @ApiPropertyOptional({ example: 'America/New_York', description: 'IANA zone for interview times when neither call nor candidate names one' })
  @IsOptional()
  @IsIanaZone()
  timeZone?: string | null;

  @ApiPropertyOptional({ type: CallingWindowBody, nullable: true, description: 'No call of the tenant is placed outside this daily window' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallingWindowBody)
  callingWindow?: CallingWindowBody | null;

  @ApiPropertyOptional({ default: true, description: "false: the tenant's webhooks are refused (403) and nothing is dialled; nothing is deleted" })
  @Given()
  @IsBoolean()
  active?: boolean;
}

/** Any of the fields; `null` clears an optional one. A new retellApiKey is rotated in (see overlapMinutes). */
export class UpdateTenantBody {
  @ApiPropertyOptional()
  @Given()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @Given()
  @IsString()
  @Matches(TENANT_SLUG, { message: SLUG_MESSAGE })
  slug?: string;

  @ApiPropertyOptional({ description: 'Checked with Retell, then rotated in: the old key still verifies webhooks for overlapMinutes' })
  @Given()
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  retellApiKey?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 10080, default: 60, description: 'With retellApiKey: minutes the old key still verifies webhooks' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10080)
  overlapMinutes?: number;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  defaultAgentId?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Matches(E164, { message: 'defaultFromNumber must be an E.164 number such as +14155550100' })
  defaultFromNumber?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsIanaZone()
  timeZone?: string | null;

  @ApiPropertyOptional({ type: CallingWindowBody, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallingWindowBody)
  callingWindow?: CallingWindowBody | null;

  @ApiPropertyOptional()
  @Given()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: [String], enum: TOOLS, description: "The agent's tools turned off for this tenant (the others answer); [] turns every tool on" })
  @Given()
  @IsArray()
  @ArrayMaxSize(TOOLS.length)
  @IsIn(TOOLS as unknown as string[], { each: true })
  disabledTools?: string[];
}

export class RotateRetellKeyBody {
  @ApiProperty({ description: 'The new Retell API key: checked with Retell before it is stored' })
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  retellApiKey: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 10080, default: 60, description: 'Minutes the current key still verifies webhooks (at most 7 days)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10080)
  overlapMinutes?: number;
}

export class CallingWindowResource {
  @ApiProperty({ example: '09:00' }) start: string;
  @ApiProperty({ example: '17:00' }) end: string;
  @ApiProperty() timeZone: string;
}

export class OperatorTenantResource {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Last 4 characters of the stored Retell key (the key itself is never returned)' })
  retellApiKeyLast4: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Until when the key before the last rotation still verifies webhooks' })
  previousRetellKeyUntil: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) defaultAgentId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) defaultFromNumber: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) timeZone: string | null;
  @ApiPropertyOptional({ type: CallingWindowResource, nullable: true }) callingWindow: CallingWindowResource | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: [String], enum: TOOLS, description: "The agent's tools turned off for this tenant" }) disabledTools: string[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

class FirstApiKeyResource {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'Shown this once: only its SHA-256 is stored' }) key: string;
  @ApiProperty() prefix: string;
  @ApiProperty({ enum: ['owner'], description: 'the first key of a tenant is its owner' }) role: Role;
}

export class CreatedTenantResource {
  @ApiProperty({ type: OperatorTenantResource }) tenant: OperatorTenantResource;
  @ApiProperty({ type: FirstApiKeyResource, description: "The tenant's first admin API key" }) apiKey: FirstApiKeyResource;
}

export class RotatedRetellKeyResource {
  @ApiProperty() retellApiKeyLast4: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Until when the previous key still verifies webhooks' })
  previousRetellKeyUntil: string | null;
}
