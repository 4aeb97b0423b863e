import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  EMAIL_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PERMISSIONS,
  PERSON_NAME_MAX_LENGTH,
  ROLES,
  type Permission,
  type Role,
} from '@retell-ops/domain';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Trim } from '../common/validators';

export class LoginBody {
  @ApiProperty({ example: 'ada@example.com', maxLength: EMAIL_MAX_LENGTH })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(EMAIL_MAX_LENGTH)
  email: string;

  @ApiProperty({ maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @ApiPropertyOptional({ description: "Which of the person's tenants to sign in to (default: their first membership)", maxLength: 64 })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'tenantSlug must be letters, digits, _ or -, at most 64' })
  tenantSlug?: string;
}

export class CreateInvitationBody {
  @ApiProperty({ example: 'grace@example.com', maxLength: EMAIL_MAX_LENGTH })
  @Trim()
  @IsString()
  @MaxLength(EMAIL_MAX_LENGTH)
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;

  @ApiProperty({ enum: ROLES, description: 'a role the inviter may grant (one whose permissions the inviter holds)' })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({ maxLength: PERSON_NAME_MAX_LENGTH })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PERSON_NAME_MAX_LENGTH)
  name?: string;
}

export class ChangeRoleBody {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role: Role;
}

export class AcceptInvitationBody {
  @ApiProperty({ description: 'the token of the invitation link' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{20,200}$/, { message: 'token is not an invitation token' })
  token: string;

  @ApiProperty({ maxLength: PERSON_NAME_MAX_LENGTH, description: "the person's name (kept as it is when the email already has an account)" })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PERSON_NAME_MAX_LENGTH)
  name: string;

  @ApiProperty({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description: 'a new password, or the existing one when the email already has an account',
  })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, { message: `password must be at least ${PASSWORD_MIN_LENGTH} characters long` })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: `password must be at most ${PASSWORD_MAX_LENGTH} characters long` })
  password: string;
}

export class TenantRefResource {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
}

export class MembershipResource {
  @ApiProperty({ type: TenantRefResource }) tenant: TenantRefResource;
  @ApiProperty({ enum: ROLES }) role: Role;
}

export class PersonResource {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
}

export class InvitationCreatedResource {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'the one-time token, in this answer only (only its SHA-256 is stored)' }) token: string;
  @ApiProperty({ description: "the dashboard's accept link: <origin>/invite/<token>" }) url: string;
  @ApiProperty() expiresAt: string;
}

export class MemberResource {
  @ApiProperty() userId: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() joinedAt: string;
}

export class InvitationResource {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiPropertyOptional({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'the inviting person, when a person invited' }) invitedByUserId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'the inviting API key, when a key invited' }) invitedByApiKeyId: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() expiresAt: string;
}

export class UsersResource {
  @ApiProperty({ type: [MemberResource] }) members: MemberResource[];
  @ApiProperty({ type: [InvitationResource], description: 'pending invitations only (not accepted, revoked or expired)' }) invitations: InvitationResource[];
}

export class MeResource {
  @ApiProperty({ enum: ['user', 'api-key'], description: 'a person signed in with a password, or an API key (bearer or the session made from one)' })
  kind: 'user' | 'api-key';
  @ApiPropertyOptional({ type: PersonResource, nullable: true }) user: PersonResource | null;
  @ApiPropertyOptional({ type: Object, nullable: true, description: '{ id, name, prefix } of the key, when a key is calling' })
  apiKey: { id: string; name: string; prefix: string | null } | null;
  @ApiProperty({ type: TenantRefResource }) tenant: TenantRefResource;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ enum: PERMISSIONS, isArray: true }) permissions: Permission[];
  @ApiProperty({ type: [MembershipResource], description: "a person's tenants and role in each (empty for a key)" }) memberships: MembershipResource[];
}
