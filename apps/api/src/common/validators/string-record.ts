import { ValidateBy, buildMessage } from 'class-validator';

const kindOf = (x: unknown) => (Array.isArray(x) ? 'array' : x === null ? 'null' : typeof x);

/**
 * A plain object whose values are all strings (Retell's dynamic variables and SIP headers,
 * docs/retell.md#dynamic-variables). The message names the first bad key and, when given, why.
 */
export function IsStringRecord(why?: string): PropertyDecorator {
  return ValidateBy({
    name: 'isStringRecord',
    validator: {
      validate: (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'),
      defaultMessage: buildMessage((_each, args) => {
        const v = args?.value;
        if (!v || typeof v !== 'object' || Array.isArray(v)) return `${args?.property} must be an object of string values`;
        const bad = Object.entries(v).find(([, x]) => typeof x !== 'string');
        const got = `got ${bad === undefined ? 'nothing' : kindOf(bad[1])}`;
        return `${args?.property}.${bad?.[0]} must be a string (${why ? `${why}; ` : ''}${got})`;
      }),
    },
  });
}
