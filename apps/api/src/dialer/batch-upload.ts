import { BadRequestException, ValidationPipe } from '@nestjs/common';
import Papa from 'papaparse';
import { MAX_REPORTED_BAD_ROWS, readCsvTargets, readJsonTargets, type BadTargetRow, type ReadTargets } from '@retell-ops/domain';
import { CreateBatchOptions } from './dial.dto';

export const CSV_CONTENT_TYPE = 'text/csv';

/** Query parameters of a CSV upload that are numbers in the JSON body. */
const NUMERIC_OPTIONS = ['maxConcurrent', 'maxAttempts', 'retryBackoffSec'];
const WINDOW_OPTIONS = { windowStart: 'start', windowEnd: 'end', windowTimeZone: 'timeZone' } as const;

/** The same pipe the app runs on every body, for the options part of a batch. */
const optionsPipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

export interface BatchUpload {
  options: CreateBatchOptions;
  targets: ReadTargets;
  /** how a refusal names a row: `targets.<i>` (JSON) or `line <n>` (CSV) */
  rowLabel: (row: number) => string;
}

/**
 * A batch as JSON ({ ...options, targets }) or as CSV (the options as query parameters, the targets
 * as rows: docs/campaigns.md#csv). The options go through class-validator like any body; the
 * targets through the hand-written rules of libs/domain, with the same messages.
 */
export async function readBatchUpload(contentType: string | undefined, body: unknown, query: Record<string, unknown>): Promise<BatchUpload> {
  if ((contentType ?? '').toLowerCase().startsWith(CSV_CONTENT_TYPE)) {
    const options = await validOptions(optionsFromQuery(query));
    return { options, targets: readCsvTargets(csvRows(typeof body === 'string' ? body : '')), rowLabel: (row) => `line ${row}` };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestException('the body must be a JSON object with targets');
  const { targets, ...rest } = body as Record<string, unknown>;
  const options = await validOptions(rest);
  return { options, targets: readJsonTargets(targets), rowLabel: (row) => `targets.${row}` };
}

/** A 400 naming the bad rows (at most MAX_REPORTED_BAD_ROWS) and how many there were. */
export function badTargets(bad: BadTargetRow[], badCount: number): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    code: 'invalid_targets',
    message: bad.map((b) => b.message),
    badRows: bad.slice(0, MAX_REPORTED_BAD_ROWS),
    badRowCount: badCount,
  });
}

function validOptions(raw: Record<string, unknown>): Promise<CreateBatchOptions> {
  return optionsPipe.transform(raw, { type: 'body', metatype: CreateBatchOptions }) as Promise<CreateBatchOptions>;
}

function optionsFromQuery(query: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const window: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (key in WINDOW_OPTIONS) window[WINDOW_OPTIONS[key as keyof typeof WINDOW_OPTIONS]] = value;
    else if (NUMERIC_OPTIONS.includes(key) && typeof value === 'string' && /^-?\d+$/.test(value)) out[key] = Number(value);
    else out[key] = value;
  }
  if (Object.keys(window).length) out.window = window;
  return out;
}

/** Every record of the CSV as cells (blank ones kept, so records keep their numbers); a malformed row shows in its cell count. */
function csvRows(text: string): string[][] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: false, delimiter: ',' });
  return parsed.data;
}
