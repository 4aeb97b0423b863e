import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { InvalidInputError, isUuid } from '@retell-ops/domain';

/**
 * Keyset (cursor) paging shared by every list endpoint: rows are ordered by a time and then the
 * id, and the cursor is the (time, id) of the last row shown, so a page is stable under inserts
 * and never costs an OFFSET scan. A list whose time can be missing (interviews still without one)
 * sorts those rows last and marks them `-` in the cursor.
 */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export const DEFAULT_PAGE_SIZE = 50;

/** Where a page ends: the ordering time of its last row (null: the row has none) and its id. */
export interface KeysetCursor {
  at: Date | null;
  id: string;
}

export type DatedCursor = KeysetCursor & { at: Date };

export interface Page<R> {
  data: R[];
  nextCursor: string | null;
}

export function encodeCursor(c: KeysetCursor): string {
  return Buffer.from(`${c.at ? c.at.toISOString() : '-'}|${c.id}`, 'utf8').toString('base64url');
}

/** The cursor `encodeCursor` made, or undefined for anything else (the id is a lower-case uuid, the time exactly as issued). */
export function decodeCursor(raw: string): KeysetCursor | undefined {
  const [at, id, extra] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || !id || !isUuid(id) || id !== id.toLowerCase() || !at) return undefined;
  if (at === '-') return { at: null, id };
  const time = new Date(at);
  if (Number.isNaN(time.getTime()) || time.toISOString() !== at) return undefined;
  return { at: time, id };
}

/** A list request's cursor (undefined on the first page); a cursor this API did not issue is bad input. */
export function readCursor(raw: string | undefined): DatedCursor | undefined;
export function readCursor(raw: string | undefined, options: { nullable: true }): KeysetCursor | undefined;
export function readCursor(raw: string | undefined, options: { nullable?: boolean } = {}): KeysetCursor | undefined {
  if (raw === undefined) return undefined;
  const cursor = decodeCursor(raw);
  if (!cursor || (cursor.at === null && !options.nullable)) throw new InvalidInputError('cursor is not one this API issued', { field: 'cursor' });
  return cursor;
}

/** How many rows to fetch for a page: one more than it shows, so the extra one says a next page exists. */
export function rowsToFetch(q: PageQuery): number {
  return (q.limit ?? DEFAULT_PAGE_SIZE) + 1;
}

/** The page out of `rowsToFetch(q)` rows, with the cursor of its last row when more follow. */
export function keysetPage<T, R>(rows: T[], q: PageQuery, keyOf: (row: T) => KeysetCursor, shape: (row: T) => R): Page<R> {
  const limit = q.limit ?? DEFAULT_PAGE_SIZE;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { data: page.map(shape), nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
