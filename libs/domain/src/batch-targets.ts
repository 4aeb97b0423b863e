/**
 * Pure rules for a batch's targets, as JSON items or CSV rows (docs/campaigns.md): what a target
 * is, the messages a bad one gets, and how duplicates collapse. Hand-written rather than
 * class-validator per item, which costs seconds at 100,000 nested objects; the messages are the
 * ones the DTO gives a single call.
 */

/** The most targets one batch takes (JSON or CSV). */
export const MAX_BATCH_TARGETS = 100_000;
/** Bad rows named in a refusal; the count says how many there were in all. */
export const MAX_REPORTED_BAD_ROWS = 100;

const E164 = /^\+[1-9]\d{6,14}$/;
const TO_NUMBER_WHY = 'must be an E.164 number such as +14155550123';
const DYNAMIC_VARIABLES_WHY = 'Retell dynamic variables are strings only';
const CANDIDATE_ID_MAX = 200;
const TARGET_KEYS = new Set(['toNumber', 'candidateId', 'dynamicVariables', 'metadata']);

export interface BatchTargetRow {
  /** where it came from: the JSON index, or the CSV line (1 is the header) */
  row: number;
  toNumber?: string;
  candidateId?: string;
  dynamicVariables?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

export interface BadTargetRow {
  row: number;
  message: string;
}

export interface ReadTargets {
  targets: BatchTargetRow[];
  bad: BadTargetRow[];
  /** how many bad rows there were (bad holds at most MAX_REPORTED_BAD_ROWS) */
  badCount: number;
}

const kindOf = (x: unknown) => (Array.isArray(x) ? 'array' : x === null ? 'null' : typeof x);
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

class Collector {
  readonly targets: BatchTargetRow[] = [];
  readonly bad: BadTargetRow[] = [];
  badCount = 0;
  fail(row: number, message: string): void {
    this.badCount++;
    if (this.bad.length < MAX_REPORTED_BAD_ROWS) this.bad.push({ row, message });
  }
  result(): ReadTargets {
    return { targets: this.targets, bad: this.bad, badCount: this.badCount };
  }
}

/**
 * The `targets` of a JSON body: plain E.164 strings or objects { toNumber?, candidateId?,
 * dynamicVariables?, metadata? }; each needs toNumber or candidateId. Messages name `targets.<i>`.
 */
export function readJsonTargets(targets: unknown): ReadTargets {
  const out = new Collector();
  if (!Array.isArray(targets)) {
    out.fail(-1, 'targets must be an array');
    return out.result();
  }
  if (targets.length === 0) out.fail(-1, 'targets must not be empty');
  if (targets.length > MAX_BATCH_TARGETS) out.fail(-1, `targets must contain no more than ${MAX_BATCH_TARGETS} elements`);
  if (out.badCount) return out.result();
  for (let i = 0; i < targets.length; i++) {
    const item: unknown = targets[i];
    const at = `targets.${i}`;
    const t = isPlainObject(item) ? item : item === null || item === undefined ? {} : { toNumber: item };
    const problems: string[] = [];
    for (const key of Object.keys(t)) if (!TARGET_KEYS.has(key)) problems.push(`${at}.property ${key} should not exist`);
    const { toNumber, candidateId, dynamicVariables, metadata } = t;
    if (toNumber !== undefined && (typeof toNumber !== 'string' || !E164.test(toNumber))) problems.push(`${at}.toNumber ${TO_NUMBER_WHY}`);
    if (candidateId !== undefined && (typeof candidateId !== 'string' || candidateId.length > CANDIDATE_ID_MAX))
      problems.push(`${at}.candidateId must be a string of at most ${CANDIDATE_ID_MAX} characters`);
    if (dynamicVariables !== undefined) {
      const why = stringRecordProblem(dynamicVariables);
      if (why) problems.push(`${at}.dynamicVariables${why}`);
    }
    if (metadata !== undefined && !isPlainObject(metadata)) problems.push(`${at}.metadata must be an object`);
    if (!problems.length && toNumber === undefined && candidateId === undefined) problems.push(`${at} needs toNumber or candidateId`);
    if (problems.length) {
      out.fail(i, problems.join('; '));
      continue;
    }
    out.targets.push({
      row: i,
      ...(toNumber !== undefined && { toNumber: toNumber as string }),
      ...(candidateId !== undefined && { candidateId: candidateId as string }),
      ...(dynamicVariables !== undefined && { dynamicVariables: dynamicVariables as Record<string, string> }),
      ...(metadata !== undefined && { metadata: metadata as Record<string, unknown> }),
    });
  }
  return out.result();
}

function stringRecordProblem(v: unknown): string | undefined {
  if (!isPlainObject(v)) return ' must be an object of string values';
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') return `.${k} must be a string (${DYNAMIC_VARIABLES_WHY}; got ${kindOf(x)})`;
  return undefined;
}

/** CSV header names (trimmed, case-insensitive) that are not dynamic variables. */
const PHONE_COLUMNS = ['phone', 'tonumber', 'to_number'];
const CANDIDATE_COLUMNS = ['candidate_id', 'candidateid'];
const METADATA_PREFIX = 'metadata.';

/**
 * CSV rows, the first the header: a number column (`phone`, `toNumber` or `to_number`) and/or
 * `candidate_id`; `metadata.<key>` columns go to the metadata; every other column is a dynamic
 * variable (empty cells are left out). Blank lines are skipped. Messages name the record's line
 * (the header is line 1; a quoted cell spanning lines counts as one).
 */
export function readCsvTargets(rows: readonly string[][]): ReadTargets {
  const out = new Collector();
  const header = (rows[0] ?? []).map((h) => h.trim());
  const lower = header.map((h) => h.toLowerCase());
  const phoneAt = lower.findIndex((h) => PHONE_COLUMNS.includes(h));
  const candidateAt = lower.findIndex((h) => CANDIDATE_COLUMNS.includes(h));
  if (phoneAt < 0 && candidateAt < 0) {
    out.fail(1, 'line 1: the header needs a phone (or toNumber) column or a candidate_id column');
    return out.result();
  }
  const dupe = header.find((h, i) => h && header.indexOf(h) !== i);
  if (dupe) {
    out.fail(1, `line 1: the column "${dupe.slice(0, 60)}" appears twice`);
    return out.result();
  }
  const blank = (cells: readonly string[]) => cells.length === 1 && cells[0].trim() === '';
  let dataRows = 0;
  for (let r = 1; r < rows.length; r++) if (!blank(rows[r])) dataRows++;
  if (dataRows < 1) out.fail(1, 'targets must not be empty (the CSV has no rows after its header)');
  if (dataRows > MAX_BATCH_TARGETS) out.fail(1, `targets must contain no more than ${MAX_BATCH_TARGETS} elements (the CSV has ${dataRows} rows)`);
  if (out.badCount) return out.result();
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r];
    const line = r + 1;
    if (blank(cells)) continue;
    if (cells.length !== header.length) {
      out.fail(line, `line ${line}: ${cells.length} cells where the header has ${header.length}`);
      continue;
    }
    const phone = phoneAt >= 0 ? cells[phoneAt].trim() : '';
    const candidate = candidateAt >= 0 ? cells[candidateAt].trim() : '';
    if (!phone && !candidate) {
      out.fail(line, `line ${line}: needs a phone number or a candidate_id`);
      continue;
    }
    if (phone && !E164.test(phone)) {
      out.fail(line, `line ${line}: phone "${phone.slice(0, 40)}" ${TO_NUMBER_WHY}`);
      continue;
    }
    if (candidate.length > CANDIDATE_ID_MAX) {
      out.fail(line, `line ${line}: candidate_id must be at most ${CANDIDATE_ID_MAX} characters`);
      continue;
    }
    let vars: Record<string, string> | undefined;
    let metadata: Record<string, unknown> | undefined;
    for (let c = 0; c < header.length; c++) {
      if (c === phoneAt || c === candidateAt || !header[c]) continue;
      const value = cells[c].trim();
      if (value === '') continue;
      if (lower[c].startsWith(METADATA_PREFIX)) (metadata ??= {})[header[c].slice(METADATA_PREFIX.length)] = value;
      else (vars ??= {})[header[c]] = value;
    }
    out.targets.push({
      row: line,
      ...(phone && { toNumber: phone }),
      ...(candidate && { candidateId: candidate }),
      ...(vars && { dynamicVariables: vars }),
      ...(metadata && { metadata }),
    });
  }
  return out.result();
}

/**
 * One request per number in a batch: a later target with a number already taken is dropped (the
 * first one wins, its variables and metadata kept). Returns the kept targets and the rows dropped.
 */
export function collapseDuplicateNumbers<T extends { row: number; toNumber: string }>(targets: readonly T[]): { kept: T[]; duplicateRows: number[] } {
  const seen = new Set<string>();
  const kept: T[] = [];
  const duplicateRows: number[] = [];
  for (const t of targets) {
    if (seen.has(t.toNumber)) duplicateRows.push(t.row);
    else {
      seen.add(t.toNumber);
      kept.push(t);
    }
  }
  return { kept, duplicateRows };
}
