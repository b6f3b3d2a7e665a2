/**
 * Deploy-time rendering of a generated Alertmanager config. Alertmanager 0.25 has no webhook `url_file` and does not
 * expand environment variables, so committed configs carry placeholder URLs (`amEnvPlaceholderUrl(VAR)`); this fills
 * them from the environment and can point Slack's `api_url_file` and the template glob somewhere else (other hosts,
 * tests). Pure: text and an env object in, text out.
 */
import { isAbsolute, join, posix } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { AM_ENV_PLACEHOLDER_HOST } from '../../conventions.js';

export class AlertmanagerRenderError extends Error {
  override readonly name = 'AlertmanagerRenderError';
}

export interface RenderOptions {
  /** Replaces every Slack `api_url_file`. */
  readonly slackApiUrlFile?: string;
  /** Directory the `templates:` globs are resolved against (their file-name part is kept). */
  readonly templatesDir?: string;
  /** Overrides of the root route's timing, e.g. short waits for a test or demo. */
  readonly timing?: { readonly groupWait?: string; readonly groupInterval?: string; readonly repeatInterval?: string };
}

const PLACEHOLDER_RE = new RegExp(`^http://${AM_ENV_PLACEHOLDER_HOST.replaceAll('.', '\\.')}/([A-Za-z_][A-Za-z0-9_]*)$`);

/** Names of the environment variables a generated config needs. */
export function requiredEnv(yamlText: string): string[] {
  const names = new Set<string>();
  visit(parseDocument(yamlText), {
    Scalar(_key, node) {
      const match = typeof node.value === 'string' ? PLACEHOLDER_RE.exec(node.value) : null;
      if (match !== null) names.add(match[1]!);
    },
  });
  return [...names].sort();
}

function checkUrl(name: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AlertmanagerRenderError(`$${name} is not a URL (${JSON.stringify(value.slice(0, 40))}…): set it to the webhook's http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AlertmanagerRenderError(`$${name} has scheme ${url.protocol} but Alertmanager webhooks need http: or https:`);
  }
}

/**
 * Fills webhook URL placeholders from `env` and applies `options`. Throws AlertmanagerRenderError naming every
 * missing variable; the result never contains a placeholder.
 */
export function renderAlertmanagerConfig(yamlText: string, env: Readonly<Record<string, string | undefined>>, options: RenderOptions = {}): string {
  const doc = parseDocument(yamlText);
  if (doc.errors.length > 0) throw new AlertmanagerRenderError(`not valid YAML: ${doc.errors[0]!.message}`);
  const missing = requiredEnv(yamlText).filter((n) => env[n] === undefined || env[n] === '');
  if (missing.length > 0) {
    throw new AlertmanagerRenderError(
      `environment variable${missing.length === 1 ? '' : 's'} ${missing.map((n) => `$${n}`).join(', ')} not set: the webhook receivers read their URL from ${missing.length === 1 ? 'it' : 'them'} (export ${missing[0]}=https://…)`,
    );
  }
  visit(doc, {
    Pair(_key, pair) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return;
      const key = String(pair.key.value);
      const value = pair.value.value;
      if (typeof value !== 'string') return;
      const match = PLACEHOLDER_RE.exec(value);
      if (match !== null) {
        const name = match[1]!;
        const url = env[name]!;
        checkUrl(name, url);
        pair.value.value = url;
      } else if (key === 'api_url_file' && options.slackApiUrlFile !== undefined) {
        pair.value.value = options.slackApiUrlFile;
      }
    },
  });
  if (options.templatesDir !== undefined) {
    const templates = doc.get('templates');
    if (isSeq(templates)) {
      for (const item of templates.items) {
        if (isScalar(item) && typeof item.value === 'string' && !isAbsolute(item.value)) item.value = join(options.templatesDir, posix.basename(item.value));
      }
    }
  }
  const t = options.timing;
  if (t !== undefined) {
    const route = doc.get('route');
    if (!isMap(route)) throw new AlertmanagerRenderError('config has no route: cannot apply timing overrides');
    if (t.groupWait !== undefined) route.set('group_wait', t.groupWait);
    if (t.groupInterval !== undefined) route.set('group_interval', t.groupInterval);
    if (t.repeatInterval !== undefined) route.set('repeat_interval', t.repeatInterval);
  }
  const out = doc.toString({ lineWidth: 0 });
  if (requiredEnv(out).length > 0) throw new AlertmanagerRenderError('placeholder left after rendering (a bug): refusing to write it');
  return out;
}

