/**
 * The UI's static files: the page, its script and stylesheet (ui/ in the package) and uPlot (the `uplot` package),
 * read once and served from memory under fixed paths (no file system path ever comes from a request). Every answer
 * carries a Content-Security-Policy that allows only this origin's scripts and styles: no inline script, no CDN.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Scripts, styles, data and images from this origin only; nothing inline, no frames, no forms. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Headers on every UI answer (page, assets and the UI's JSON). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

function uplotFile(name: string): string {
  return createRequire(import.meta.url).resolve(`uplot/dist/${name}`);
}

/** The package's ui/ folder: the nearest one above this module (src/serve/ui in tests, dist/src/serve/ui installed). */
function uiDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'ui', 'index.html'))) return join(dir, 'ui');
    if (dirname(dir) === dir) throw new Error('the status page files (ui/index.html) are missing from the agent-slo package');
  }
}

/** Request path → asset. Throws at start-up (not at request time) when a file is missing from the package. */
export function loadAssets(): ReadonlyMap<string, Asset> {
  const ui = uiDir();
  const files: [string, string, string][] = [
    ['/', join(ui, 'index.html'), 'text/html; charset=utf-8'],
    ['/ui/app.js', join(ui, 'app.js'), 'text/javascript; charset=utf-8'],
    ['/ui/app.css', join(ui, 'app.css'), 'text/css; charset=utf-8'],
    ['/ui/uplot.js', uplotFile('uPlot.iife.min.js'), 'text/javascript; charset=utf-8'],
    ['/ui/uplot.css', uplotFile('uPlot.min.css'), 'text/css; charset=utf-8'],
  ];
  const out = new Map<string, Asset>();
  for (const [path, file, type] of files) out.set(path, { type, body: readFileSync(file) });
  out.set('/index.html', out.get('/') as Asset);
  return out;
}
