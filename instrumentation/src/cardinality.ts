import { VALUE_OTHER } from './semconv.js';
import type { CardinalityOptions } from './types.js';

/** Defaults of {@link CardinalityOptions}. */
export const DEFAULT_MAX_VALUES_PER_ATTRIBUTE = 100;
export const DEFAULT_MAX_VALUE_LENGTH = 128;

/**
 * Bounds the distinct values of one attribute of one instrument. With an allow-list only listed values pass;
 * without one the first `maxValues` distinct values pass. Everything else, and every value that is not a
 * non-empty string of at most `maxLength` characters, becomes `_OTHER` (the `error.type` convention's fallback).
 * Memory is bounded by `maxValues` whatever the input: values that do not pass are never stored.
 */
export class BoundedValues {
  private readonly seen = new Set<string>();
  private readonly allow: ReadonlySet<string> | undefined;
  private readonly maxValues: number;
  private readonly maxLength: number;
  private overflowed = false;

  constructor(maxValues: number, maxLength: number, allow?: readonly string[]) {
    this.maxValues = maxValues;
    this.maxLength = maxLength;
    this.allow = allow === undefined ? undefined : new Set(allow);
  }

  /** The value to use as a label: the value itself or `_OTHER`. */
  bound(value: unknown): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > this.maxLength) return VALUE_OTHER;
    if (this.allow !== undefined) return this.allow.has(value) ? value : VALUE_OTHER;
    if (this.seen.has(value)) return value;
    if (this.seen.size < this.maxValues) {
      this.seen.add(value);
      return value;
    }
    this.overflowed = true;
    return VALUE_OTHER;
  }

  /** Number of distinct values kept so far. */
  get size(): number {
    return this.allow?.size ?? this.seen.size;
  }

  /** Whether a value has been cut to `_OTHER` because the bound was reached. */
  get hasOverflowed(): boolean {
    return this.overflowed;
  }
}

/**
 * One {@link BoundedValues} per (instrument, attribute key), created on first use from the options.
 * @internal
 */
export class CardinalityGuard {
  private readonly maxValues: number;
  private readonly maxLength: number;
  private readonly allow: Readonly<Record<string, readonly string[]>>;

  constructor(options: CardinalityOptions = {}) {
    this.maxValues = positiveInt(options.maxValuesPerAttribute, DEFAULT_MAX_VALUES_PER_ATTRIBUTE);
    this.maxLength = positiveInt(options.maxValueLength, DEFAULT_MAX_VALUE_LENGTH);
    this.allow = options.allow ?? {};
  }

  /** A bound for `attribute` on `instrument`; call once per pair and keep the result. */
  create(_instrument: string, attribute: string): BoundedValues {
    return new BoundedValues(this.maxValues, this.maxLength, this.allow[attribute]);
  }
}

function positiveInt(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}
