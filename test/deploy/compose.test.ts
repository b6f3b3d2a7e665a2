/**
 * docker-compose.yml, checked without a Docker engine (CI has only the client): Debian's `docker-compose` 1.29
 * validates and resolves the file for every shipped profile; every image is pinned (and equal to the launcher's pins
 * in test/harness/images.ts); every host path mounted or built exists in the repository; the Prometheus, collector and
 * Alertmanager pieces of the stack are checked with the real local binaries where they can be.
 * Skipped, with the reason printed, only when the docker-compose binary is absent (CI installs it).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AM_ENV_PLACEHOLDER_HOST, amEnvPlaceholderUrl, GRAFANA_DATASOURCE_VAR } from '../../src/conventions.js';
import { collectorBinary } from '../harness/binaries.js';
import { goBuilt } from '../harness/go-built.js';
import { freePort } from '../../src/stack/free-port.js';
import { STACK_IMAGES } from '../harness/images.js';
import { spawnManaged } from '../../src/stack/process.js';
import { waitForReady } from '../../src/stack/ready.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const composeFile = join(root, 'docker-compose.yml');

/** The Slack secret the user creates (deploy/secrets/README.md); git-ignored, never committed. */
const SLACK_SECRET_HOST_FILE = 'deploy/secrets/slack_api_url';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: (string | { type: string; source: string; target: string })[];
  ports?: string[];
}
interface ComposeConfig {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

interface Mount {
  service: string;
  source: string;
  target: string;
  named: boolean;
}

function composeAvailable(): string | undefined {
  const probe = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  if (probe.error) return `docker-compose is not installed (${probe.error.message}); install the Debian docker-compose package`;
  if (probe.status !== 0) return `docker-compose version failed: ${probe.stderr}`;
  return undefined;
}

function runCompose(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'docker-compose',
      ['-f', composeFile, 'config'],
      // No inherited COMPOSE_* or AGENT_SLO_* settings: the defaults in the file are what is checked.
      { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function profileNames(): string[] {
  return readdirSync(join(root, 'profiles'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => (parse(readFileSync(join(root, 'profiles', f), 'utf8')) as { metadata: { name: string } }).metadata.name)
    .sort();
}

function mountsOf(config: ComposeConfig): Mount[] {
  const mounts: Mount[] = [];
  for (const [service, svc] of Object.entries(config.services)) {
    for (const v of svc.volumes ?? []) {
      let source: string;
      let target: string;
      if (typeof v === 'string') {
        const parts = v.split(':');
        source = parts[0]!;
        target = parts[1]!;
      } else {
        source = v.source;
        target = v.target;
      }
      mounts.push({ service, source, target, named: !source.startsWith('/') && !source.startsWith('.') });
    }
  }
  return mounts;
}

/** `name:tag` with a version-like tag (a digit in it), never `latest`, and no digest-less floating major only. */
function pinProblem(image: string): string | undefined {
  const at = image.lastIndexOf(':');
  const slash = image.lastIndexOf('/');
  if (at < 0 || at < slash) return `${image}: no tag`;
  const tag = image.slice(at + 1);
  if (tag === 'latest') return `${image}: tag latest`;
  if (!/^v?\d+\.\d+\.\d+/.test(tag)) return `${image}: tag ${tag} is not a full version (x.y.z)`;
  return undefined;
}

function dockerfileOf(svc: ComposeService): string {
  const build = svc.build!;
  return join(build.context, build.dockerfile ?? 'Dockerfile');
}

const skipReason = composeAvailable();
if (skipReason !== undefined) console.warn(`[skipped] docker-compose.yml checks: ${skipReason}`);

const resolved = new Map<string, ComposeConfig>();
async function configFor(profile: string): Promise<ComposeConfig> {
  const cached = resolved.get(profile);
  if (cached) return cached;
  const { code, stdout, stderr } = await runCompose({ AGENT_SLO_PROFILE: profile });
  expect(code, `docker-compose config (AGENT_SLO_PROFILE=${profile}) failed:\n${stderr}`).toBe(0);
  expect(stderr, 'docker-compose config printed warnings').not.toMatch(/WARN|variable is not set/i);
  const config = parse(stdout) as ComposeConfig;
  resolved.set(profile, config);
  return config;
}

describe.skipIf(skipReason !== undefined)('docker-compose.yml', () => {
  const profiles = profileNames();

  it('ships profiles to check', () => {
    expect(profiles).toEqual(expect.arrayContaining(['runtime-v1', 'kokino']));
  });

  it.each(profiles)('validates with docker-compose config for profile %s and has the five services', async (profile) => {
    const config = await configFor(profile);
    expect(Object.keys(config.services).sort()).toEqual(['alertmanager', 'demo-runtime', 'grafana', 'otel-collector', 'prometheus']);
  });

  it('without AGENT_SLO_PROFILE uses runtime-v1', async () => {
    const { code, stdout, stderr } = await runCompose({});
    expect(code, stderr).toBe(0);
    const mounts = mountsOf(parse(stdout) as ComposeConfig);
    expect(mounts.find((m) => m.target === '/etc/prometheus/rules')?.source).toBe(join(root, 'rules', 'runtime-v1'));
    expect(mounts.find((m) => m.target === '/etc/alertmanager/agent-slo')?.source).toBe(join(root, 'alertmanager', 'runtime-v1'));
  });

  it('pins every image to a full version, equal to the launcher pins in test/harness/images.ts', async () => {
    const config = await configFor('runtime-v1');
    const problems: string[] = [];
    const images: string[] = [];
    for (const [name, svc] of Object.entries(config.services)) {
      if (svc.build) {
        const dockerfile = readFileSync(dockerfileOf(svc), 'utf8');
        const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gim)].map((m) => m[1]!);
        expect(froms.length, `${name}: no FROM in its Dockerfile`).toBeGreaterThan(0);
        for (const from of froms) {
          const problem = pinProblem(from);
          if (problem) problems.push(`${name} (Dockerfile): ${problem}`);
          images.push(from);
        }
      } else {
        expect(svc.image, `${name}: neither image nor build`).toBeTypeOf('string');
        const problem = pinProblem(svc.image!);
        if (problem) problems.push(`${name}: ${problem}`);
        images.push(svc.image!);
      }
    }
    expect(problems).toEqual([]);
    expect(images.sort()).toEqual(Object.values(STACK_IMAGES).sort());
    expect(config.services['otel-collector']!.image).toBe(STACK_IMAGES.collector);
    expect(config.services.prometheus!.image).toBe(STACK_IMAGES.prometheus);
    expect(config.services.alertmanager!.image).toBe(STACK_IMAGES.alertmanager);
    expect(config.services.grafana!.image).toBe(STACK_IMAGES.grafana);
  });

  it('builds the demo runtime on a supported Node LTS (>= 22, OpenTelemetry JS 3), the release the Node 24 test leg runs', async () => {
    const config = await configFor(profiles[0]!);
    const dockerfile = readFileSync(dockerfileOf(config.services['demo-runtime']!), 'utf8');
    const from = /^FROM\s+node:(\d+)\.(\d+)\.(\d+)-slim$/m.exec(dockerfile);
    expect(from, 'the demo runtime image is node:<x.y.z>-slim').not.toBeNull();
    const version = from!.slice(1, 4).join('.');
    expect(Number(from![1])).toBeGreaterThanOrEqual(22);
    // test/otel3 installs this exact Node release and runs runtime.mjs with it (test/deploy/demo-runtime.test.ts).
    const leg = JSON.parse(readFileSync(join(root, 'test', 'otel3', 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    expect(leg.packages['node_modules/node']?.version).toBe(version);
  });

  it('runs the collector image of the release train in collector-config/builder-config.yaml', () => {
    const manifest = readFileSync(join(root, 'collector-config', 'builder-config.yaml'), 'utf8');
    const versions = new Set([...manifest.matchAll(/opentelemetry-collector-contrib\/\S+ v(\d+\.\d+\.\d+)/g)].map((m) => m[1]));
    expect(versions.size, 'contrib components of one version in the manifest').toBe(1);
    expect(STACK_IMAGES.collector).toBe(`otel/opentelemetry-collector-contrib:${[...versions][0]}`);
  });

  it.each(profiles)('mounts and builds only host paths that exist in the repository (profile %s)', async (profile) => {
    const config = await configFor(profile);
    const missing: string[] = [];
    for (const m of mountsOf(config)) {
      if (m.named) {
        expect(config.volumes, `${m.service}: named volume ${m.source} not declared`).toHaveProperty(m.source);
        continue;
      }
      expect(m.source.startsWith(root), `${m.service}: ${m.source} is outside the repository`).toBe(true);
      if (!existsSync(m.source)) missing.push(`${m.service}: ${relative(root, m.source)} → ${m.target}`);
    }
    for (const [name, svc] of Object.entries(config.services)) {
      if (!svc.build) continue;
      const dockerfile = dockerfileOf(svc);
      if (!existsSync(dockerfile)) {
        missing.push(`${name}: Dockerfile ${relative(root, dockerfile)}`);
        continue;
      }
      for (const m of readFileSync(dockerfile, 'utf8').matchAll(/^COPY\s+(.+)$/gim)) {
        const words = m[1]!.split(/\s+/).filter((w) => !w.startsWith('--'));
        for (const src of words.slice(0, -1)) {
          if (!existsSync(join(svc.build.context, src))) missing.push(`${name}: COPY source ${src}`);
        }
      }
    }
    expect(missing, 'generated output missing? run `agent-slo generate` and commit it').toEqual([]);
  });

  it('keeps the Slack secret out of git: mounted as a git-ignored file of a mounted directory', async () => {
    for (const profile of profiles) {
      const config = await configFor(profile);
      const spec = parse(readFileSync(join(root, 'profiles', `${profile}.yaml`), 'utf8')) as {
        notifications?: { slack?: { apiUrlFile: string } };
      };
      const apiUrlFile = spec.notifications?.slack?.apiUrlFile;
      if (apiUrlFile === undefined) continue;
      const mount = mountsOf(config).find((m) => m.service === 'alertmanager' && apiUrlFile.startsWith(`${m.target}/`));
      expect(mount, `${profile}: ${apiUrlFile} is not inside a directory mounted into alertmanager`).toBeDefined();
      const hostFile = join(mount!.source, posix.relative(mount!.target, apiUrlFile));
      expect(relative(root, hostFile)).toBe(SLACK_SECRET_HOST_FILE);
    }
    const ignored = spawnSync('git', ['check-ignore', '-q', SLACK_SECRET_HOST_FILE], { cwd: root });
    expect(ignored.status, `${SLACK_SECRET_HOST_FILE} must be git-ignored`).toBe(0);
    // Webhook URLs come from the environment or a .env file next to docker-compose.yml (docs/stack.md).
    expect(spawnSync('git', ['check-ignore', '-q', '.env'], { cwd: root }).status, '.env must be git-ignored').toBe(0);
    const tracked = spawnSync('git', ['ls-files', 'deploy/secrets'], { cwd: root, encoding: 'utf8' }).stdout.trim().split('\n');
    expect(tracked.filter((f) => f !== '' && !/\/(\.gitignore|README\.md)$/.test(f))).toEqual([]);
  });

  it('publishes every port on loopback only', async () => {
    const config = await configFor('runtime-v1');
    for (const [name, svc] of Object.entries(config.services)) {
      for (const p of svc.ports ?? []) expect(p, name).toMatch(/^127\.0\.0\.1:\d+:\d+/);
    }
  });

  it('gives Prometheus a config promtool accepts, the mounted rules, remote write, and the compose service names', async () => {
    const config = await configFor('runtime-v1');
    const prom = config.services.prometheus!;
    const mounts = mountsOf(config).filter((m) => m.service === 'prometheus');
    const configMount = mounts.find((m) => m.target === '/etc/prometheus/prometheus.yml')!;
    expect(prom.command).toContain(`--config.file=${configMount.target}`);
    expect(prom.command).toContain('--web.enable-remote-write-receiver');
    expect(prom.command).toContain('--storage.tsdb.retention.time=400d');

    const check = spawnSync('promtool', ['check', 'config', '--syntax-only', configMount.source], { encoding: 'utf8' });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);

    const promConfig = parse(readFileSync(configMount.source, 'utf8')) as {
      rule_files: string[];
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const rulesMount = mounts.find((m) => m.source.startsWith(join(root, 'rules')))!;
    for (const glob of promConfig.rule_files) expect(posix.dirname(glob)).toBe(rulesMount.target);
    const amTargets = promConfig.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((s) => s.targets));
    expect(amTargets).toEqual(['alertmanager:9093']);
    const scrapeTargets = promConfig.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    for (const target of scrapeTargets) {
      const host = target.split(':')[0]!;
      expect(host === 'localhost' || host in config.services, `scrape target ${target}`).toBe(true);
    }
    // The runtimes reach Prometheus through the collector only (scraping them too would count events twice).
    expect(scrapeTargets.some((t) => t.startsWith('demo-runtime'))).toBe(false);

    const collectorEnv = config.services['otel-collector']!.environment!;
    expect(collectorEnv.AGENT_SLO_REMOTE_WRITE_URL).toBe('http://prometheus:9090/api/v1/write');
    expect(scrapeTargets).toContain('otel-collector:8888');
    expect(config.services['otel-collector']!.command!.join(' ')).toMatch(/host: 0\.0\.0\.0, port: 8888/);
  });

  it('wires the demo runtime to the collector OTLP/HTTP endpoint', async () => {
    const config = await configFor('runtime-v1');
    const collectorEnv = config.services['otel-collector']!.environment!;
    const port = collectorEnv.AGENT_SLO_OTLP_HTTP_ENDPOINT!.split(':')[1];
    expect(config.services['demo-runtime']!.environment!.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT).toBe(
      `http://otel-collector:${port}/v1/metrics`,
    );
  });

  it('provisions a Prometheus datasource and the mounted dashboards directory in Grafana', async () => {
    const config = await configFor('runtime-v1');
    const mounts = mountsOf(config).filter((m) => m.service === 'grafana');
    const provisioning = mounts.find((m) => m.target === '/etc/grafana/provisioning')!;
    const ds = parse(readFileSync(join(provisioning.source, 'datasources', 'prometheus.yml'), 'utf8')) as {
      datasources: { type: string; url: string; uid: string; isDefault: boolean }[];
    };
    expect(ds.datasources).toHaveLength(1);
    expect(ds.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true });
    const providers = parse(readFileSync(join(provisioning.source, 'dashboards', 'agent-slo.yml'), 'utf8')) as {
      providers: { type: string; options: { path: string; foldersFromFilesStructure: boolean } }[];
    };
    const dashboardsMount = mounts.find((m) => m.source === join(root, 'dashboards'))!;
    expect(providers.providers.map((p) => p.options.path)).toEqual([dashboardsMount.target]);

    // Every generated dashboard selects its datasource through the `datasource` variable of type prometheus,
    // so the provisioned datasource is the one it uses.
    const dashboards = existsSync(dashboardsMount.source) ? jsonFilesUnder(dashboardsMount.source) : [];
    for (const file of dashboards) {
      const dash = JSON.parse(readFileSync(file, 'utf8')) as { templating?: { list?: { name: string; type: string; query: unknown }[] } };
      const variable = dash.templating?.list?.find((v) => v.name === GRAFANA_DATASOURCE_VAR);
      expect(variable, `${relative(root, file)}: no $${GRAFANA_DATASOURCE_VAR} variable`).toBeDefined();
      expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    }
  });

  it('starts the collector with the shipped config and the traces pipeline, and the built collector validates exactly that command', async (ctx) => {
    const config = await configFor('runtime-v1');
    const svc = config.services['otel-collector']!;
    const mounts = mountsOf(config).filter((m) => m.service === 'otel-collector');
    expect(mounts.map((m) => relative(root, m.source))).toEqual(['collector-config/otelcol.yaml', 'collector-config/otelcol-spans.yaml']);
    const otelcol = await goBuilt(() => collectorBinary());
    if (otelcol.path === undefined) {
      console.warn(`[skipped] collector validation of the compose command: ${otelcol.missingReason}`);
      ctx.skip();
      return;
    }
    // Container paths → host paths; the container's environment as compose resolved it.
    const args = svc.command!.map((a) => mounts.reduce((s, m) => s.replace(m.target, m.source), a));
    const result = spawnSync(otelcol.path, ['validate', ...args], { env: { PATH: process.env.PATH ?? '', ...svc.environment }, encoding: 'utf8' });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it('runs Alertmanager through deploy/alertmanager/start.sh, which renders webhook placeholders from the environment', async () => {
    const config = await configFor('runtime-v1');
    const svc = config.services.alertmanager!;
    const script = mountsOf(config).find((m) => m.service === 'alertmanager' && svc.entrypoint!.includes(m.target))!;
    expect(relative(root, script.source)).toBe('deploy/alertmanager/start.sh');
    expect(readFileSync(script.source, 'utf8')).toContain(AM_ENV_PLACEHOLDER_HOST.replaceAll('.', '\\.'));
    // Every webhook variable the profiles name is passed through to the container.
    for (const profile of profiles) {
      const spec = parse(readFileSync(join(root, 'profiles', `${profile}.yaml`), 'utf8')) as {
        notifications?: { webhook?: { urlEnv: string } };
      };
      const env = spec.notifications?.webhook?.urlEnv;
      if (env !== undefined) expect(svc.environment, `${profile}: ${env} not passed to alertmanager`).toHaveProperty(env);
    }

    // The real script with Debian's Alertmanager 0.25 (the image's version) on a config with two placeholders:
    // one variable set (rendered), one unset (kept, with a warning); templates resolved next to the config.
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-am-compose-'));
    try {
      const src = join(dir, 'src');
      await mkdir(join(src, 'templates'), { recursive: true });
      await writeFile(join(src, 'templates', 'agent-slo.tmpl'), '{{ define "agent_slo_test" }}ok{{ end }}\n');
      await writeFile(
        join(src, 'alertmanager.yml'),
        [
          'route:',
          '  receiver: pager',
          'receivers:',
          '  - name: pager',
          '    webhook_configs:',
          `      - url: ${amEnvPlaceholderUrl('AGENT_SLO_WEBHOOK_URL')}`,
          `      - url: '${amEnvPlaceholderUrl('AGENT_SLO_PAGER_URL')}'`,
          'templates:',
          '  - templates/agent-slo.tmpl',
          '',
        ].join('\n'),
      );
      const port = await freePort();
      const webhook = 'https://hooks.example.com/services/T0/B0?token=a&b=|c';
      const proc = await spawnManaged({
        name: 'alertmanager-start.sh',
        command: 'sh',
        args: [script.source, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
        env: {
          PATH: process.env.PATH ?? '',
          AGENT_SLO_AM_CONFIG_DIR: src,
          AGENT_SLO_AM_RENDER_DIR: join(dir, 'rendered'),
          AGENT_SLO_AM_BINARY: 'prometheus-alertmanager',
          AGENT_SLO_WEBHOOK_URL: webhook,
        },
      });
      try {
        const ready = await waitForReady(proc, `http://127.0.0.1:${port}/-/ready`, 30_000);
        expect(ready.ok, proc.logs()).toBe(true);
        const status = (await (await fetch(`http://127.0.0.1:${port}/api/v2/status`)).json()) as { config: { original: string } };
        const rendered = parse(status.config.original) as { receivers: { webhook_configs: { url: string }[] }[] };
        expect(rendered.receivers[0]!.webhook_configs.map((w) => w.url)).toEqual([webhook, amEnvPlaceholderUrl('AGENT_SLO_PAGER_URL')]);
        expect(proc.logs()).toMatch(/warning: AGENT_SLO_PAGER_URL is not set/);
        expect(proc.logs()).not.toMatch(/AGENT_SLO_WEBHOOK_URL is not set/);
      } finally {
        await proc.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each(profiles)('start.sh renders the generated Alertmanager config of %s into one amtool accepts, every placeholder filled', async (profile) => {
    const spec = parse(readFileSync(join(root, 'profiles', `${profile}.yaml`), 'utf8')) as {
      notifications?: { webhook?: { urlEnv: string } };
    };
    const urlEnv = spec.notifications?.webhook?.urlEnv;
    const dir = await mkdtemp(join(tmpdir(), 'agent-slo-am-render-'));
    try {
      const out = join(dir, 'rendered');
      const run = spawnSync('sh', [join(root, 'deploy/alertmanager/start.sh')], {
        env: {
          PATH: process.env.PATH ?? '',
          AGENT_SLO_AM_CONFIG_DIR: join(root, 'alertmanager', profile),
          AGENT_SLO_AM_RENDER_DIR: out,
          AGENT_SLO_AM_BINARY: 'true',
          ...(urlEnv !== undefined ? { [urlEnv]: `https://hooks.example.com/${profile}` } : {}),
        },
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      const rendered = readFileSync(join(out, 'alertmanager.yml'), 'utf8');
      expect(rendered).not.toContain(AM_ENV_PLACEHOLDER_HOST);
      if (urlEnv !== undefined) expect(rendered).toContain(`https://hooks.example.com/${profile}`);
      const check = spawnSync('amtool', ['check-config', join(out, 'alertmanager.yml')], { encoding: 'utf8' });
      expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('start.sh refuses to start without a generated config and says what to do', () => {
    const result = spawnSync('sh', [join(root, 'deploy/alertmanager/start.sh')], {
      env: { PATH: process.env.PATH ?? '', AGENT_SLO_AM_CONFIG_DIR: join(tmpdir(), 'agent-slo-does-not-exist'), AGENT_SLO_AM_BINARY: 'true' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/alertmanager\.yml not found: generate it first \(agent-slo generate\)/);
  });
});

function jsonFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...jsonFilesUnder(path));
    else if (entry.endsWith('.json')) out.push(path);
  }
  return out;
}
