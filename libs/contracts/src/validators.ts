import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { isBusinessDate, isValidResidentId } from '@urrbmi/domain';

/** A valid 18-character resident ID number (GB 11643 check digit). */
export function IsResidentId(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isResidentId',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (a: ValidationArguments) => `${a.property} must be a valid resident ID number`,
        ...options,
      },
      validator: { validate: (v: unknown) => typeof v === 'string' && isValidResidentId(v) },
    });
  };
}

/** Six-digit administrative division code (GB/T 2260), e.g. 620725. */
export const REGION_CODE = /^\d{6}$/;
/** Township (9 digits) or village (12 digits) statistical division code. */
export const TOWNSHIP_CODE = /^\d{9}$/;
export const VILLAGE_CODE = /^\d{12}$/;
/**
 * The collection roster's `X-Next-Cursor`: `X.N` (writing transaction, change sequence). A plain `N`
 * is a cursor handed out before changes were ordered by transaction and is still accepted.
 */
export const COLLECTION_ROSTER_CURSOR = /^(?:0|[1-9]\d{0,17})$|^(?:0|[1-9]\d{0,18})\.(?:0|[1-9]\d{0,17})$/;

/** A calendar date YYYY-MM-DD that exists (2023-02-30 does not). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (a: ValidationArguments) => `${a.property} must be a calendar date YYYY-MM-DD`,
        ...options,
      },
      validator: { validate: (v: unknown) => typeof v === 'string' && isBusinessDate(v) },
    });
  };
}
