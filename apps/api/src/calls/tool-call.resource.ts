import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A `ToolInvocation` row as the listing reads it. */
export interface ToolCallRow {
  id: string;
  tool: string;
  args: unknown;
  result: unknown;
  ok: boolean | null;
  durationMs: number | null;
  createdAt: Date;
}

/** One tool call the agent made during the call, and what it was answered. */
export class ToolCallResource {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'book_interview', description: 'The tool run (an alias such as book_appointment is recorded as the tool it names)' }) tool: string;
  @ApiProperty({ description: "The model's arguments, as sent", type: Object }) args: unknown;
  @ApiPropertyOptional({ description: 'The answer the agent got (null while the first request is still answering)', type: Object, nullable: true })
  result: unknown;
  @ApiPropertyOptional({ type: Boolean, nullable: true }) ok: boolean | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) durationMs: number | null;
  @ApiProperty() createdAt: string;

  static from(r: ToolCallRow): ToolCallResource {
    return { id: r.id, tool: r.tool, args: r.args, result: r.result, ok: r.ok, durationMs: r.durationMs, createdAt: r.createdAt.toISOString() };
  }
}

export class ToolCallList {
  @ApiProperty({ type: [ToolCallResource] }) data: ToolCallResource[];
}
