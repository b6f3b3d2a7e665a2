// prepack: `tsc -b` never deletes outputs whose source was moved or removed, so a tarball would ship them.
// Removes every compiled file under OUT_DIR whose source SRC_DIR/<same path>.ts no longer exists.
// Usage: node scripts/prune-dist.mjs SRC_DIR OUT_DIR
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const [srcDir, outDir] = process.argv.slice(2);
if (srcDir === undefined || outDir === undefined) {
  console.error('usage: node scripts/prune-dist.mjs SRC_DIR OUT_DIR');
  process.exit(64);
}
const OUTPUT = /\.(d\.ts\.map|d\.ts|js\.map|js)$/;
let removed = 0;
for (const entry of existsSync(outDir) ? readdirSync(outDir, { recursive: true, withFileTypes: true }) : []) {
  if (!entry.isFile() || !OUTPUT.test(entry.name)) continue;
  const file = join(entry.parentPath, entry.name);
  const source = join(srcDir, relative(outDir, file).replace(OUTPUT, '.ts'));
  if (!existsSync(source)) {
    rmSync(file);
    removed++;
  }
}
if (removed > 0) console.log(`prune-dist: removed ${removed} stale file(s) from ${outDir}`);
