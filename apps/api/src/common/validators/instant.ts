import { ValidateBy, buildMessage } from 'class-validator';

/** ISO 8601 extended calendar form: a date, or a date-time with Z or an offset. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Date.parse rolls 2024-02-30 over to March; a real calendar date survives the round trip. */
function isInstant(value: unknown): boolean {
  const m = typeof value === 'string' ? INSTANT.exec(value) : null;
  if (!m || Number.isNaN(Date.parse(value as string))) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

/**
 * An instant the API can use as is. Stricter than IsISO8601, which also passes week dates and
 * basic formats that `new Date()` cannot read.
 */
export function IsInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'isInstant',
    validator: {
      validate: isInstant,
      defaultMessage: buildMessage((each) => `${each}$property must be an ISO 8601 date (2026-03-10) or date-time with a zone (2026-03-10T14:00:00Z)`),
    },
  });
}

/** Rejects instants that have already passed: a call cannot be scheduled into the past. */
export function IsFutureInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'isFutureInstant',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && Date.parse(v) > Date.now(),
      defaultMessage: buildMessage(() => '$property must be in the future'),
    },
  });
}
