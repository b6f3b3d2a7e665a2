/** Options for a Prometheus server started for tests, the demo or `agent-slo serve`. */
export interface PrometheusOptions {
  /** Rule files (absolute paths) listed under `rule_files`. */
  ruleFiles?: string[];
  /** Raw Prometheus `scrape_config` objects. */
  scrapeConfigs?: object[];
  /** Also scrape this Prometheus itself (job "prometheus"); handy to get real series in tests. */
  scrapeSelf?: boolean;
  /** TSDB directory. Default: a fresh temp dir, removed on stop. A directory given here is never removed. */
  dataDir?: string;
  /** `--storage.tsdb.retention.time`; default '400d' so backfilled history is not deleted at start. */
  retention?: string;
  evaluationInterval?: string;
  scrapeInterval?: string;
  /** Alertmanager base URLs, e.g. `http://127.0.0.1:9093`. */
  alertmanagerUrls?: string[];
  externalLabels?: Record<string, string>;
  /** Prometheus 3's `otlp:` config block (e.g. `{ translation_strategy: 'NoTranslation' }`). */
  otlp?: Record<string, unknown>;
  extraArgs?: string[];
  /** Binary to run; default `prometheus` on PATH. */
  binary?: string;
  /** How long to wait for `/-/ready` (default 60 s). */
  readyTimeoutMs?: number;
  /** Called with every log line of the server. */
  onLogLine?: (line: string) => void;
}

export interface RunningPrometheus {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  dataDir: string;
  configFile: string;
  pid: number;
  /** Last log lines, for assertion messages. */
  logs(): string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes temp dirs it created. Idempotent. */
  stop(): Promise<void>;
  /** POST /-/reload (re-reads the config file and rule files); throws with the server's answer on failure. */
  reload(): Promise<void>;
}

export interface AlertmanagerOptions {
  /** Alertmanager YAML; ignored when configFile is given. Default: one route to a receiver that does nothing. */
  configYaml?: string;
  configFile?: string;
  /** Binary to run; default `prometheus-alertmanager` on PATH (the Debian name). */
  binary?: string;
  extraArgs?: string[];
  readyTimeoutMs?: number;
  onLogLine?: (line: string) => void;
}

export interface RunningAlertmanager {
  url: string;
  port: number;
  pid: number;
  configFile: string;
  logs(): string;
  stop(): Promise<void>;
}
