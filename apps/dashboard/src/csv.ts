import Papa from 'papaparse';
import { isE164 } from './e164';

export interface BatchTargetInput {
  toNumber: string;
  dynamicVariables?: Record<string, string>;
}

export interface ParsedCsv {
  targets: BatchTargetInput[];
  errors: string[];
}

/** A CSV with a `phone` column; every other column becomes a dynamic variable (strings only). */
export function parseTargetsCsv(text: string): ParsedCsv {
  const result = Papa.parse<Record<string, string>>(text.trim(), { header: true, skipEmptyLines: true, transformHeader: (h) => h.trim() });
  // A file with one column (just `phone`) has no delimiter to detect: Papa's comma default is right then.
  const errors = result.errors.filter((e) => e.code !== 'UndetectableDelimiter').map((e) => `row ${(e.row ?? 0) + 2}: ${e.message}`);
  const fields = result.meta.fields ?? [];
  if (!fields.includes('phone')) return { targets: [], errors: ['the CSV needs a "phone" column', ...errors] };
  const targets: BatchTargetInput[] = [];
  result.data.forEach((row, i) => {
    const phone = (row.phone ?? '').trim();
    if (!isE164(phone)) {
      errors.push(`row ${i + 2}: "${phone}" is not an E.164 number such as +14155550123`);
      return;
    }
    const vars: Record<string, string> = {};
    for (const f of fields) if (f !== 'phone' && f && row[f] !== undefined && row[f] !== '') vars[f] = String(row[f]).trim();
    targets.push(Object.keys(vars).length ? { toNumber: phone, dynamicVariables: vars } : { toNumber: phone });
  });
  return { targets, errors };
}
