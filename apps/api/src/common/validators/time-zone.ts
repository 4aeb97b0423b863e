import { ValidateBy, buildMessage } from 'class-validator';
import { IANAZone } from 'luxon';

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
