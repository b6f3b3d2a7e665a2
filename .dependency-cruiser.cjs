// The layering of src/ (docs/architecture.md), enforced by `npm run deps` (part of `npm test`): a module imports only
// from its own folder or from a lower layer; folders in one layer are siblings and never import each other.
/** Bottom to top. `.` is the foundation files directly in src/ (conventions, format, escape, package). */
const LAYERS = [
  ['.'],
  ['profile'],
  ['promql'],
  ['prometheus', 'stack'],
  ['sli'],
  ['generate'],
  ['audit'],
  ['gate'],
  ['serve', 'review', 'backfill', 'import'],
  ['demo'],
  ['cli'],
];

const pathOf = (folder) => (folder === '.' ? '^src/[^/]+\\.ts$' : `^src/${folder}/`);
const any = (folders) => folders.map(pathOf).join('|');

const layerRules = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  return layer.map((folder) => {
    const siblings = layer.filter((f) => f !== folder);
    const forbidden = [...above, ...siblings];
    return {
      name: `layer-${folder === '.' ? 'foundation' : folder}`,
      comment: `src/${folder === '.' ? '*.ts' : folder} may import only lower layers${siblings.length > 0 ? ` (not its siblings ${siblings.join(', ')})` : ''}; see docs/architecture.md`,
      severity: 'error',
      from: { path: pathOf(folder) },
      to: { path: any(forbidden) },
    };
  });
}).filter((r) => r.to.path !== '');

/** The three generators are siblings under generate/: each may use generate/'s shared files, not another generator. */
const GENERATORS = ['prometheus', 'alertmanager', 'grafana'];
const generatorRules = GENERATORS.map((g) => ({
  name: `generate-${g}`,
  comment: `src/generate/${g} may not import another generator (${GENERATORS.filter((o) => o !== g).join(', ')}); move what they share to src/generate/`,
  severity: 'error',
  from: { path: `^src/generate/${g}/` },
  to: { path: GENERATORS.filter((o) => o !== g).map((o) => `^src/generate/${o}/`).join('|') },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    ...generatorRules,
    {
      name: 'cli-commands-apart',
      comment: 'a command file must not import another command: shared option sets live in src/cli/ (*-options.ts, decision.ts)',
      severity: 'error',
      from: { path: '^src/cli/commands/([^/]+)\\.ts$' },
      to: { path: '^src/cli/commands/', pathNot: '^src/cli/commands/$1\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'modules must not import each other, directly or through others',
      severity: 'error',
      from: { path: '^src/|^instrumentation/src/' },
      to: { circular: true },
    },
    {
      name: 'product-not-tests',
      comment: 'src/ and the instrumentation package hold only what the product runs: no imports from test/ or bench/',
      severity: 'error',
      from: { path: '^src/|^instrumentation/src/' },
      to: { path: '^test/|^bench/|^instrumentation/test/' },
    },
    {
      name: 'instrumentation-standalone',
      comment: 'the published instrumentation package must not import the agent-slo CLI sources',
      severity: 'error',
      from: { path: '^instrumentation/src/' },
      to: { path: '^src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
  },
};
