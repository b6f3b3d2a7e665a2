import { describe, expect, it } from 'vitest';
import { gaugeUnit, StatusMetricUnitError } from '../../src/serve/units.js';

describe('status gauge units', () => {
  it("exports kokino's seconds latency objective in milliseconds under headless_latency_p95_ms", () => {
    expect(gaugeUnit('headless_latency_p95_ms', 's')).toEqual({ unit: 'ms', factor: 1000 });
  });
  it('converts the other way and between byte units', () => {
    expect(gaugeUnit('p95_latency_seconds', 'ms')).toEqual({ unit: 's', factor: 0.001 });
    expect(gaugeUnit('memory_avg_bytes', 'MB')).toEqual({ unit: 'By', factor: 1e6 });
    expect(gaugeUnit('memory_avg_gb', 'MB')).toEqual({ unit: 'GB', factor: 0.001 });
    expect(gaugeUnit('match_percent', 'ratio')).toEqual({ unit: 'percent', factor: 100 });
  });
  it('keeps the unit when the suffix agrees or states none', () => {
    expect(gaugeUnit('headless_memory_avg_mb', 'MB')).toEqual({ unit: 'MB', factor: 1 });
    expect(gaugeUnit('headless_availability_ratio', 'ratio')).toEqual({ unit: 'ratio', factor: 1 });
    expect(gaugeUnit('headless_integrity_failures', 'events')).toEqual({ unit: 'events', factor: 1 });
  });
  it('refuses a suffix of another dimension instead of exporting a wrong number', () => {
    expect(() => gaugeUnit('availability_ms', 'ratio')).toThrow(StatusMetricUnitError);
    expect(() => gaugeUnit('latency_bytes', 's')).toThrow(/says By by its suffix but the objective's unit is s/);
  });
});
