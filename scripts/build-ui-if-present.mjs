// postinstall: build the browser UI into ui/dist, so `npm install && npm start` serves it.
// Skipped where the UI sources or Vite (a dev dependency) are absent, e.g. in the Docker image's
// production-only install, which builds the UI in its own stage.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (existsSync('ui/index.html') && existsSync('node_modules/vite/package.json')) {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'ui/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
} else {
  console.log('Ponte UI build skipped: no ui/ sources or no vite (dev dependencies)');
}
