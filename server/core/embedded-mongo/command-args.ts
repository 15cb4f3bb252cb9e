import type { Document } from 'bson';
import { MongoCommandError } from './mongo-error';

/** Argument parsing shared by command handlers. */

export function collectionArg(body: Document, command: string): string {
  const name = body[command];
  if (typeof name !== 'string') {
    throw new MongoCommandError('InvalidNamespace', `collection name has invalid type ${name === null ? 'null' : typeof name}`);
  }
  if (name.length === 0 || name.includes('\0') || name.startsWith('.') || name.includes('$')) {
    throw new MongoCommandError('InvalidNamespace', `Invalid collection name: ${name}`);
  }
  return name;
}

/** Accepts the numeric encodings drivers use (int32, double, Long). */
export function numberArg(body: Document, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'object' && typeof (value as { toNumber?: unknown }).toNumber === 'function') {
    return (value as { toNumber(): number }).toNumber();
  }
  throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${typeof value}', expected a number`);
}

export function documentArg(body: Document, field: string): Document | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is the wrong type, expected type 'object'`);
  }
  return value as Document;
}

export function arrayArg(body: Document, field: string): Document[] {
  const value = body[field];
  if (!Array.isArray(value)) {
    throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is missing or is not an array`);
  }
  return value as Document[];
}

/** Cursor ids arrive as Long; plain numbers are accepted too. */
export function cursorIdArg(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'object' && value !== null && typeof (value as { toBigInt?: unknown }).toBigInt === 'function') {
    return (value as { toBigInt(): bigint }).toBigInt();
  }
  throw new MongoCommandError('TypeMismatch', 'cursor id must be a 64-bit integer');
}
