/** The bucket boundaries `agent-slo generate` writes for the shipped profiles (buckets.json): what every test passes to the instrumentation. */
import { readFileSync } from 'node:fs';
import type { HistogramMetricName } from '../../instrumentation/src/types.js';

export const GENERATED_BUCKETS = JSON.parse(readFileSync(new URL('../../buckets.json', import.meta.url), 'utf8')) as Record<HistogramMetricName, number[]>;
