import { ROLES, type Role } from '@retell-ops/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsFutureInstant, IsInstant, Trim } from '../common/validators';

export const API_KEY_ROLES = ROLES;

export class CreateApiKeyBody {
  @ApiProperty({ example: 'CI deploys', maxLength: 200 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: API_KEY_ROLES, description: 'admin: reads and changes; viewer: reads only' })
  @IsIn(API_KEY_ROLES, { message: `role must be one of ${API_KEY_ROLES.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({ description: 'ISO 8601 instant in the future; the key is refused from then on (default: never expires)' })
  @IsOptional()
  @IsInstant()
  @IsFutureInstant()
  expiresAt?: string;
}

export class IssuedApiKeyResource {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'The bearer token, shown this once: only its SHA-256 is stored' }) key: string;
  @ApiProperty({ description: 'The first characters of the key, kept to tell keys apart' }) prefix: string;
  @ApiProperty({ enum: API_KEY_ROLES }) role: Role;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ type: String, nullable: true }) expiresAt: string | null;
}

export class ApiKeyResource {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'null for keys made before prefixes were kept' }) prefix: string | null;
  @ApiProperty({ enum: API_KEY_ROLES }) role: Role;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'to the minute' }) lastUsedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) expiresAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) revokedAt: string | null;
}
