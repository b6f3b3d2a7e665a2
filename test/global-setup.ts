import { execFileSync } from 'node:child_process';

/** Tests that run the real CLI use the compiled JS: build once (incremental, fast when up to date). */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-b'], { stdio: 'inherit' });
}
