import { ValidateBy, type ValidationOptions } from 'class-validator';

/** A plain object whose values are all strings (Retell's dynamic variables, docs/retell.md#dynamic-variables). */
export function IsStringRecord(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string'),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an object with string values only`,
      },
    },
    options,
  );
}
