/** The StackLauncher contract against the Debian binaries (always runs; the collector part needs the built collector). */
import { collectorBinary } from '../harness/binaries.js';
import { localStackLauncher } from '../harness/local.js';
import { liveManagedPids } from '../../src/stack/process.js';
import { goBuilt } from '../harness/go-built.js';
import { launcherContract } from './launcher-contract.js';

const collectorSkipReason = (await goBuilt(() => collectorBinary())).missingReason;
if (collectorSkipReason !== undefined) console.warn(`[skipped] local launcher collector contract: ${collectorSkipReason}`);

launcherContract(localStackLauncher, {
  leftovers: () => Promise.resolve(liveManagedPids().map((pid) => `pid ${pid}`)),
  ...(collectorSkipReason !== undefined ? { collectorSkipReason } : {}),
});
