/** The profiles shipped with agent-slo (profiles/*.yaml in the package). */
import { join } from 'node:path';
import { packageRoot } from '../package.js';

/** The shipped profiles, by name. */
export const SHIPPED_PROFILES = ['runtime-v1', 'kokino'] as const;

export function shippedProfilePath(name: string): string {
  return join(packageRoot(), 'profiles', `${name}.yaml`);
}
