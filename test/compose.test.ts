/**
 * docker-compose.yml as `docker compose` reads it. Where the Compose plugin is installed the test
 * runs `docker compose config`; everywhere it validates the file against the Compose
 * Specification's JSON Schema (deploy/compose-spec) and checks what the deploy docs promise:
 * official images only, secrets from the env file, health checks, a scalable worker.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../', import.meta.url));
const file = (path: string) => readFileSync(root + path, 'utf8');
const compose = parse(file('docker-compose.yml'), { merge: true }) as { services: Record<string, Record<string, any>>; volumes?: Record<string, unknown> };
const hasComposePlugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;

describe('docker-compose.yml', () => {
  it('follows the Compose Specification schema', () => {
    const ajv = new Ajv({ strict: false, validateSchema: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(file('deploy/compose-spec/compose-spec.json')));
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it.skipIf(!hasComposePlugin)('passes `docker compose config` (Compose plugin installed)', () => {
    const out = execFileSync('docker', ['compose', '--env-file', '.env.example', 'config', '--quiet'], { cwd: root, encoding: 'utf8' });
    expect(out).toBe('');
  });

  it('uses only official images, and builds Ponte from this repository', () => {
    const official = /^(postgres|temporalio\/(server|admin-tools|ui)|prom\/prometheus):/;
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image === 'ponte:local') continue;
      expect(service.image, name).toMatch(official);
    }
    expect(compose.services.server.build).toBe('.');
    expect(compose.services.worker.image).toBe(compose.services.server.image);
  });

  it('takes every secret from the env file, with a clear message when it is missing', () => {
    const text = file('docker-compose.yml');
    for (const secret of ['POSTGRES_PASSWORD', 'PONTE_SECRET_KEY']) {
      expect(text).toContain(`\${${secret}:?`);
      expect(file('.env.example')).toMatch(new RegExp(`^${secret}=`, 'm'));
    }
    // No password written into the file itself: every *PASSWORD* key takes a ${...} value.
    expect(text).not.toMatch(/^\s*\w*(PASSWORD|PWD)\w*:\s*[^$\s]/m);
  });

  it('runs server and workers as separate, scalable roles on PostgreSQL, with health checks and a shutdown grace', () => {
    const { server, worker, postgresql, temporal } = compose.services;
    expect(server.command).toEqual(['--role', 'server']);
    expect(worker.command).toEqual(['--role', 'worker']);
    // Scaling workers (`--scale worker=N`) needs no fixed name or published port on them.
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.stop_grace_period).toBeDefined();
    for (const role of [server, worker]) {
      expect(role.environment.DATABASE_URL).toMatch(/^postgres:\/\//);
      expect(role.environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
    expect(worker.environment.PONTE_METRICS_PORT).toBeDefined();
    expect(postgresql.healthcheck).toBeDefined();
    expect(temporal.healthcheck).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain('postgres-data');
    expect(file('Dockerfile')).toMatch(/^USER node$/m);
    expect(file('Dockerfile')).toMatch(/^HEALTHCHECK /m);
  });
});
