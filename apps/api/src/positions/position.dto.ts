import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { QueryBoolean, Trim } from '../common/validators';

export class CreatePositionBody {
  @ApiProperty({ description: 'Unique within the tenant', example: 'Senior Python Developer' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title: string;

  @ApiPropertyOptional({ example: 'Engineering' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  department?: string;

  @ApiPropertyOptional({ example: 'Remote (US)' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  location?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  isOpen?: boolean;
}

/** Absent keeps a field; null clears an optional one. */
export class UpdatePositionBody {
  @ApiPropertyOptional({ description: 'Unique within the tenant' })
  @ValidateIf((_, v) => v !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  department?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  location?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;

  @ApiPropertyOptional()
  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean()
  isOpen?: boolean;
}

export class ListPositionsQuery {
  @ApiPropertyOptional({ description: 'Only open (true) or closed (false) positions', enum: ['true', 'false'] })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  isOpen?: boolean;

  @ApiPropertyOptional({ description: 'Text in the title, department or location (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class PositionResource {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ type: String, nullable: true }) department: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) location: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) description: string | null;
  @ApiProperty() isOpen: boolean;
  @ApiProperty({ description: 'Candidates linked to this position' }) candidateCount: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class PositionList {
  @ApiProperty({ type: [PositionResource] }) data: PositionResource[];
}
