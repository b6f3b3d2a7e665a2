import { StackReloadError } from './errors.js';

/** POSTs `/-/reload` (needs --web.enable-lifecycle); a refusal is a StackReloadError with Prometheus' answer and log tail. */
export async function reloadPrometheus(url: string, logs: () => string): Promise<void> {
  const res = await fetch(`${url}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
  const body = await res.text();
  if (res.status !== 200) throw new StackReloadError('prometheus', res.status, body.trim(), logs());
}
