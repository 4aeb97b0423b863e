import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { CANDIDATE_STATUSES, INTEREST_LEVELS, type CandidateStatus, type InterestLevel } from '@retell-ops/domain';
import { E164, IsIanaZone, QueryBoolean, Trim } from '../common/validators';
import { PageQuery } from '../common/keyset-page';

const E164_MESSAGE = '$property must be an E.164 phone number such as +14155550123';

export class CreateCandidateBody {
  @ApiProperty({ example: 'John' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  firstName: string;

  @ApiPropertyOptional({ example: 'Doe' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  lastName?: string;

  @ApiPropertyOptional({ example: 'john.doe@example.com' })
  @IsOptional()
  @Trim()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ description: 'E.164', example: '+14155550123' })
  @IsOptional()
  @Trim()
  @Matches(E164, { message: E164_MESSAGE })
  phone?: string;

  @ApiPropertyOptional({ description: 'IANA time zone', example: 'America/New_York' })
  @IsOptional()
  @Trim()
  @IsIanaZone()
  timeZone?: string;

  @ApiPropertyOptional({
    description: "The tenant's own id for the candidate (e.g. its ATS id), unique within the tenant; calls name it as metadata.candidate_id",
    example: '199',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  externalId?: string;

  @ApiPropertyOptional({ description: 'A position of this tenant' })
  @IsOptional()
  @IsUUID()
  positionId?: string;

  @ApiPropertyOptional({
    description: "The position applied for, as text; linked to the tenant's position of that title when there is one",
    example: 'Senior Python Developer',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  positionApplied?: string;
}

/** Absent keeps a field; null clears an optional one. `status` moves follow the pipeline's rules for people. */
export class UpdateCandidateBody {
  @ApiPropertyOptional()
  @ValidateIf((_, v) => v !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  firstName?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  lastName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @Trim()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ description: 'E.164', type: String, nullable: true })
  @IsOptional()
  @Trim()
  @Matches(E164, { message: E164_MESSAGE })
  phone?: string | null;

  @ApiPropertyOptional({ description: 'IANA time zone', type: String, nullable: true })
  @IsOptional()
  @Trim()
  @IsIanaZone()
  timeZone?: string | null;

  @ApiPropertyOptional({ description: "The tenant's own id, unique within the tenant", type: String, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  externalId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsUUID()
  positionId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  positionApplied?: string | null;

  @ApiPropertyOptional({
    enum: CANDIDATE_STATUSES,
    description:
      'new → screening → interviewing → offered → hired; rejected/withdrawn close. Hire only from offered; nobody returns to new or leaves hired; a closed candidate reopens only to screening. Otherwise 409.',
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsIn(CANDIDATE_STATUSES as unknown as string[])
  status?: CandidateStatus;
}

/** The filters the candidate list and the candidate export share. */
export class CandidateFilterQuery {
  @ApiPropertyOptional({ enum: CANDIDATE_STATUSES })
  @IsOptional()
  @IsIn(CANDIDATE_STATUSES as unknown as string[])
  status?: CandidateStatus;

  @ApiPropertyOptional({ description: 'Candidates linked to this position' })
  @IsOptional()
  @IsUUID()
  positionId?: string;

  @ApiPropertyOptional({ description: 'Text in positionApplied or the linked position title (case-insensitive)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  position?: string;

  @ApiPropertyOptional({ description: 'Screening said qualified (true) or not (false)', enum: ['true', 'false'] })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  qualified?: boolean;

  @ApiPropertyOptional({ enum: INTEREST_LEVELS, description: 'Interest level from screening' })
  @IsOptional()
  @IsIn(INTEREST_LEVELS as unknown as string[])
  interest?: InterestLevel;

  @ApiPropertyOptional({ description: 'Text in first/last name, email, phone or externalId (case-insensitive); every word must match' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  q?: string;
}

export class ListCandidatesQuery extends IntersectionType(PageQuery, CandidateFilterQuery) {}
