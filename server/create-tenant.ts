/**
 * `npm run tenant:create -- --id loja-b --name "Loja B" --admin dono@lojab.com.br`: a new tenant
 * with its first admin; prints the one-time link with which that person chooses a password.
 * Stop Ponte first when it runs on the embedded PGlite (the database belongs to one process).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTenant } from './auth/tenants';
import { ConfigProblem, loadConfig } from './config';
import { openDatabase } from './db/client';
import { loginLinkUrl } from './routes/users';

async function main() {
  const { values } = parseArgs({ options: { id: { type: 'string' }, name: { type: 'string' }, admin: { type: 'string' } } });
  if (!values.id || !values.admin) throw new ConfigProblem('Usage: npm run tenant:create -- --id <tenant-id> --name "<name>" --admin <e-mail>');
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.databaseUrl ? undefined : join(config.dataDir, 'db') });
  try {
    const { tenant, admin, link } = await createTenant(database.db, { id: values.id, name: values.name ?? values.id, adminEmail: values.admin });
    console.log(`Tenant "${tenant.id}" created with admin ${admin.email}. One-time link (24 h) to choose the password:\n\n    ${loginLinkUrl(config.publicUrl, link)}\n`);
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigProblem ? err.message : err instanceof Error ? err.message : err);
  process.exit(1);
});
