import type { PriceTable, TokenUsage } from './types.js';

/**
 * Cost in USD of one model's token usage, from a price table in USD per million tokens.
 * Looks the model up exactly, then falls back to the table's `'*'` entry. Returns `undefined` when the model
 * has no price or a number is not finite and non-negative (the caller rejects and reports it). Pure.
 */
export function costFromUsage(table: PriceTable, usage: TokenUsage): number | undefined {
  const price = table[usage.model] ?? table['*'];
  if (price === undefined) return undefined;
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  if (!isCount(input) || !isCount(output)) return undefined;
  const cost = (input * price.inputPerMillionTokens + output * price.outputPerMillionTokens) / 1_000_000;
  return Number.isFinite(cost) && cost >= 0 ? cost : undefined;
}

/**
 * Checks a price table: every price finite and non-negative. Returns the models with an invalid price. Pure.
 */
export function invalidPrices(table: PriceTable): string[] {
  return Object.entries(table)
    .filter(([, p]) => !isPrice(p?.inputPerMillionTokens) || !isPrice(p?.outputPerMillionTokens))
    .map(([model]) => model);
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}

function isPrice(n: unknown): boolean {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}
