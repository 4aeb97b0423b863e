import { Transform } from 'class-transformer';
import { ValidateBy, buildMessage } from 'class-validator';
import { IANAZone } from 'luxon';

/** E.164: a plus, a country code not starting with 0, 7 to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** An IANA time zone the runtime knows (America/New_York, Europe/Berlin, UTC). */
export function IsIanaZone(): PropertyDecorator {
  return ValidateBy({
    name: 'isIanaZone',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && IANAZone.isValidZone(value),
      defaultMessage: buildMessage((each) => `${each}$property must be an IANA time zone such as America/New_York`),
    },
  });
}

/** Trims text; leaves anything else for the validators to refuse. */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** Query strings carry "true"/"false"; anything else stays text and fails IsBoolean. */
export const QueryBoolean = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
