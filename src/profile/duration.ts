/** Prometheus-style durations ("5m", "1h30m", "7d"), as seconds. */
const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  y: 31_536_000,
};

const DURATION_RE = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;
const PART_RE = /(\d+)(ms|s|m|h|d|w|y)/g;

/** True when `text` is a Prometheus duration such as `5m`, `1h30m` or `0s`. */
export function isDuration(text: string): boolean {
  return DURATION_RE.test(text);
}

/** Parses a Prometheus duration into seconds; returns undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!isDuration(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(PART_RE)) {
    total += Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 1);
  }
  return total;
}

/** Formats seconds as the shortest Prometheus duration ("7d", "90m", "30s"). */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_SECONDS[unit] ?? 1;
    if (unit === 'w') continue; // weeks read badly next to days in rule names and reports
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${Math.round(seconds * 1000)}ms`;
}
