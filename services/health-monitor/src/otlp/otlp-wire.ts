import { HttpError } from '@swarmscope/core';

/**
 * Reading OTLP export requests, decoded from protobuf (protobufjs messages: ids as bytes, 64-bit integers as Long)
 * or parsed from OTLP/JSON (ids as hex, 64-bit integers as decimal strings or numbers, enums as integers). Both have
 * the same lowerCamelCase field names, so one reader serves both; what differs (ids, integers) is read by type.
 * A request that is not an export request at all throws a 400; a span or point with a bad field throws
 * `ItemProblem`, which rejects that item only (partial success).
 */

export type AttributeValue = string | number | boolean | AttributeValue[];
export type Attributes = Record<string, AttributeValue>;

/** One span as the mapping reads it. Times in epoch milliseconds (fractional), ids in lowercase hex ('' when absent). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startMs: number;
  endMs: number;
  /** end − start, exact to the nanosecond (epoch nanoseconds as doubles are not). */
  durationSeconds: number;
  /** Status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  attributes: Attributes;
  /** The resource's attributes (one object shared by the resource's spans). */
  resource: Attributes;
  /** service.name|service.instance.id of the resource: "the same process". */
  resourceKey: string;
}

export const SPAN_KIND = { client: 3 } as const;
export const STATUS_ERROR = 2;

/** A problem with one span or data point: it is rejected, the rest of the request is not. */
export class ItemProblem extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }

  /**
   * The message with `prefix` before a path that is relative to it (empty, or starting with "."): hot paths name
   * fields relative to their item and build the full path only when something is wrong.
   */
  messageUnder(prefix: string): string {
    return this.path === '' || this.path.startsWith('.') ? `${prefix}${this.path}: ${this.problem}` : this.message;
  }
}

type Wire = Record<string, unknown>;

const isObject = (value: unknown): value is Wire =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `field` of a request-level container: an array or absent; anything else is not an OTLP request (400). */
export function listOf(container: Wire, field: string, path: string): Wire[] {
  const value = container[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`${path}.${field}`, 'must be an array');
  for (let i = 0; i < value.length; i++)
    if (!isObject(value[i])) throw badRequest(`${path}.${field}.${i}`, 'must be an object');
  return value as Wire[];
}

export function requestObject(body: unknown, field: string): Wire {
  if (!isObject(body)) throw badRequest('body', `must be an OTLP export request object {"${field}": [...]}`);
  return body;
}

const badRequest = (path: string, problem: string) =>
  new HttpError('SWS_INVALID_FIELD', `${path}: ${problem}`, [{ path, message: problem }]);

/** The object at `field` of an item, or undefined; a non-object rejects the item. */
export function objectAt(item: Wire, field: string, path: string): Wire | undefined {
  const value = item[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new ItemProblem(`${path}.${field}`, 'must be an object');
  return value;
}

/** An item-level list: an array of objects or absent. */
export function itemList(item: Wire, field: string, path: string): Wire[] {
  const value = item[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ItemProblem(`${path}.${field}`, 'must be an array');
  return value as Wire[];
}

export function stringAt(item: Wire, field: string, path: string): string {
  const value = item[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new ItemProblem(`${path}.${field}`, 'must be a string');
  return value;
}

/** An int32 / enum field: a number (protobuf and OTLP/JSON both give one). */
export function intAt(item: Wire, field: string, path: string): number {
  const value = item[field];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new ItemProblem(`${path}.${field}`, 'must be an integer');
  return value;
}

/** A 64-bit integer: a Long (protobuf), a decimal string or a number (OTLP/JSON). Precision past 2^53 is not needed. */
export function int64At(item: Wire, field: string, path: string): number {
  const value = item[field];
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) return Number(value);
  if (isLong(value)) return value.toNumber();
  throw new ItemProblem(`${path}.${field}`, 'must be a 64-bit integer (a decimal string or a number)');
}

interface LongLike {
  toNumber(): number;
  subtract(other: LongLike): LongLike;
}
const isLong = (value: unknown): value is LongLike =>
  isObject(value) && typeof value.toNumber === 'function' && typeof value.subtract === 'function';

/** end − start of two 64-bit nanosecond fields, in seconds, exact (epoch nanoseconds as doubles are not). */
function durationSecondsAt(item: Wire, path: string): number {
  const start = item.startTimeUnixNano;
  const end = item.endTimeUnixNano;
  if (isLong(start) && isLong(end)) return end.subtract(start).toNumber() / 1e9;
  const exact = (field: string, value: unknown): bigint => {
    if (value === undefined || value === null) return 0n;
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) return BigInt(value);
    if (isLong(value)) return BigInt(String(value));
    throw new ItemProblem(`${path}.${field}`, 'must be a 64-bit integer (a decimal string or a number)');
  };
  return Number(exact('endTimeUnixNano', end) - exact('startTimeUnixNano', start)) / 1e9;
}

export function doubleAt(item: Wire, field: string, path: string): number | undefined {
  const value = item[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  // OTLP/JSON may carry doubles as strings ("NaN", "Infinity" are not values we can use).
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new ItemProblem(`${path}.${field}`, 'must be a finite number');
}

const HEX = /^[0-9a-fA-F]*$/;

/** A trace or span id: bytes (protobuf) or hex (OTLP/JSON) of `bytes` bytes; absent or empty is ''. */
export function idAt(item: Wire, field: string, bytes: number, path: string): string {
  const value = item[field];
  if (value === undefined || value === null) return '';
  if (value instanceof Uint8Array) {
    if (value.length === 0) return '';
    if (value.length !== bytes)
      throw new ItemProblem(`${path}.${field}`, `must be ${bytes} bytes, got ${value.length}`);
    // protobufjs decodes bytes as Buffers under Node: no view to make.
    return (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)).toString(
      'hex',
    );
  }
  if (typeof value === 'string') {
    if (value === '') return '';
    if (value.length !== bytes * 2 || !HEX.test(value))
      throw new ItemProblem(`${path}.${field}`, `must be ${bytes * 2} hex digits`);
    return value.toLowerCase();
  }
  throw new ItemProblem(`${path}.${field}`, 'must be hex (OTLP/JSON) or bytes');
}

function anyValue(value: unknown, path: string, depth: number): AttributeValue {
  if (!isObject(value)) return '';
  if (value.stringValue != null) {
    if (typeof value.stringValue !== 'string') throw new ItemProblem(`${path}.stringValue`, 'must be a string');
    return value.stringValue;
  }
  if (value.boolValue != null) {
    if (typeof value.boolValue !== 'boolean') throw new ItemProblem(`${path}.boolValue`, 'must be a boolean');
    return value.boolValue;
  }
  if (value.intValue != null) return int64At(value, 'intValue', path);
  if (value.doubleValue != null) return doubleAt(value, 'doubleValue', path)!;
  if (value.arrayValue != null && depth < 4) {
    const array = objectAt(value, 'arrayValue', path);
    return itemList(array ?? {}, 'values', `${path}.arrayValue`).map((v, i) =>
      anyValue(v, `${path}.arrayValue.values.${i}`, depth + 1),
    );
  }
  // kvlist and bytes values carry nothing the mapping reads.
  return '';
}

/**
 * A KeyValue list as a plain object (the last value of a repeated key wins). With `wanted`, only those keys are read
 * (a span's prompts and other attributes nobody maps cost nothing more).
 */
export function attributesAt(item: Wire, field: string, path: string, wanted?: ReadonlySet<string>): Attributes {
  const list = itemList(item, field, path);
  const attributes: Attributes = {};
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (!isObject(entry) || typeof entry.key !== 'string')
      throw new ItemProblem(`${path}.${field}.${i}.key`, 'must be a string');
    if (wanted !== undefined && !wanted.has(entry.key)) continue;
    try {
      attributes[entry.key] = anyValue(entry.value, '', 0);
    } catch (problem) {
      if (!(problem instanceof ItemProblem)) throw problem;
      throw new ItemProblem(`${path}.${field}.${i}.value${problem.path}`, problem.problem);
    }
  }
  return attributes;
}

/** Reads one span of a ScopeSpans (only the `wanted` attributes); throws ItemProblem for a bad field. */
export function readSpan(
  span: Wire,
  resource: Attributes,
  resourceKey: string,
  path: string,
  wanted: ReadonlySet<string>,
): OtlpSpan {
  const status = objectAt(span, 'status', path);
  return {
    traceId: idAt(span, 'traceId', 16, path),
    spanId: idAt(span, 'spanId', 8, path),
    parentSpanId: idAt(span, 'parentSpanId', 8, path),
    name: stringAt(span, 'name', path),
    kind: intAt(span, 'kind', path),
    startMs: int64At(span, 'startTimeUnixNano', path) / 1e6,
    endMs: int64At(span, 'endTimeUnixNano', path) / 1e6,
    durationSeconds: durationSecondsAt(span, path),
    statusCode: status ? intAt(status, 'code', path === '' ? '.status' : `${path}.status`) : 0,
    attributes: attributesAt(span, 'attributes', path, wanted),
    resource,
    resourceKey,
  };
}
