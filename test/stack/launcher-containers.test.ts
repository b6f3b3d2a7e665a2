/**
 * The StackLauncher contract against containers (testcontainers 11, images pinned in test/harness/images.ts).
 * Runs only when a Docker engine is reachable, found by testcontainers' own strategy (DOCKER_HOST,
 * ~/.testcontainers.properties, the Docker socket, rootless Docker). CI has no engine (only the docker client), so
 * there the whole suite is skipped with the reason printed; the same test bodies run against the Debian binaries in
 * launcher-local.test.ts.
 */
import { describe, it } from 'vitest';
import { containerStackLauncher, detectDockerEngine, liveContainerIds } from '../harness/containers.js';
import { launcherContract } from './launcher-contract.js';

const engine = await detectDockerEngine();

if (engine.available) {
  console.info(`container launcher contract: Docker engine ${engine.description}`);
  launcherContract(containerStackLauncher, {
    leftovers: async () => {
      // Containers this launcher started that Docker still knows about (running or stopped-but-not-removed).
      const { getContainerRuntimeClient } = await import('testcontainers');
      const client = await getContainerRuntimeClient();
      const ours = new Set(liveContainerIds());
      const all = await client.container.dockerode.listContainers({ all: true, filters: { label: ['org.agent-slo.component'] } });
      return [...new Set([...ours, ...all.map((c) => c.Id)])].map((id) => `container ${id.slice(0, 12)}`);
    },
  });
} else {
  console.warn(`[skipped] container launcher contract: ${engine.reason}`);
  describe.skip(`StackLauncher contract (containers) — skipped: ${engine.reason}`, () => {
    it('needs a Docker engine', () => undefined);
  });
}
