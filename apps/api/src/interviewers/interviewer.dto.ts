import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsIanaZone, Trim } from '../common/validators';

const HOURS_EXAMPLE = {
  mon: [[540, 1020]],
  tue: [[540, 1020]],
  wed: [
    [540, 720],
    [780, 1020],
  ],
  thu: [[540, 1020]],
  fri: [[540, 960]],
};
const HOURS_DESCRIPTION =
  'Per weekday (mon … sun), windows of [startMinute, endMinute) since local midnight in timeZone (540 = 9:00, 1020 = 17:00); a day left out is not worked';

export class CreateInterviewerBody {
  @ApiProperty({ description: 'Unique within the tenant; interviews name their interviewer by it', example: 'Dana Reyes' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'dana@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiProperty({ description: 'IANA zone of the working hours', example: 'America/New_York' })
  @IsIanaZone()
  timeZone: string;

  @ApiProperty({ description: HOURS_DESCRIPTION, example: HOURS_EXAMPLE })
  @IsObject()
  workingHours: Record<string, Array<[number, number]>>;

  @ApiPropertyOptional({ default: 60, minimum: 15, maximum: 480, description: 'Length of one interview slot' })
  @IsOptional()
  @IsInt()
  @Min(15)
  @Max(480)
  slotMinutes?: number;

  @ApiPropertyOptional({ type: [String], description: 'Ids of the positions this interviewer interviews for' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  positionIds?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** Absent keeps a field; null clears the email. */
export class UpdateInterviewerBody {
  @ApiPropertyOptional()
  @ValidateIf((_, v) => v !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional()
  @ValidateIf((_, v) => v !== undefined)
  @IsIanaZone()
  timeZone?: string;

  @ApiPropertyOptional({ description: HOURS_DESCRIPTION, example: HOURS_EXAMPLE })
  @ValidateIf((_, v) => v !== undefined)
  @IsObject()
  workingHours?: Record<string, Array<[number, number]>>;

  @ApiPropertyOptional({ minimum: 15, maximum: 480 })
  @ValidateIf((_, v) => v !== undefined)
  @IsInt()
  @Min(15)
  @Max(480)
  slotMinutes?: number;

  @ApiPropertyOptional({ type: [String] })
  @ValidateIf((_, v) => v !== undefined)
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  positionIds?: string[];

  @ApiPropertyOptional()
  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean()
  active?: boolean;
}

export class InterviewerResource {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ type: String, nullable: true }) email: string | null;
  @ApiProperty() timeZone: string;
  @ApiProperty({ description: HOURS_DESCRIPTION, example: HOURS_EXAMPLE }) workingHours: Record<string, Array<[number, number]>>;
  @ApiProperty() slotMinutes: number;
  @ApiProperty({ type: [String] }) positionIds: string[];
  @ApiProperty() active: boolean;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class InterviewerList {
  @ApiProperty({ type: [InterviewerResource] }) data: InterviewerResource[];
}
