/**
 * `npm run rotate-key`: re-encrypts every stored credential under a new key.
 *
 * - Key in a file (the default): a new random key is generated, every secret is re-sealed, then
 *   the key file is replaced (the old one is kept as secret.key.old until you delete it).
 * - Key in PONTE_SECRET_KEY: give the new key in PONTE_NEW_SECRET_KEY; after the command, set
 *   PONTE_SECRET_KEY to it everywhere Ponte runs.
 * Stop Ponte first when it runs on the embedded PGlite (the database belongs to one process).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigProblem, loadConfig } from './config';
import { openDatabase } from './db/client';
import { SecretBox } from './secrets/crypto';
import { checkSecretKey, rotateSecretKey } from './secrets/key-check';

async function main() {
  const config = loadConfig();
  const keyFile = join(config.dataDir, 'secret.key');
  if (!config.secretKey && !existsSync(keyFile)) throw new ConfigProblem(`No key to rotate: PONTE_SECRET_KEY is not set and ${keyFile} does not exist.`);
  const { box: from } = SecretBox.load(config.secretKey, keyFile);
  let newMaterial = process.env.PONTE_NEW_SECRET_KEY;
  if (config.secretKey && !newMaterial) throw new ConfigProblem('The key comes from PONTE_SECRET_KEY: give the new one in PONTE_NEW_SECRET_KEY (e.g. `openssl rand -hex 32`).');
  newMaterial ??= randomBytes(32).toString('hex');
  const to = SecretBox.fromKeyMaterial(newMaterial);

  const database = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.databaseUrl ? undefined : join(config.dataDir, 'db') });
  try {
    await checkSecretKey(database.db, from);
    // Write the new key next to the old one before touching the data: it is never lost.
    if (!config.secretKey) writeFileSync(`${keyFile}.new`, `${newMaterial}\n`, { mode: 0o600 });
    const { connections } = await rotateSecretKey(database.db, from, to);
    if (!config.secretKey) {
      renameSync(keyFile, `${keyFile}.old`);
      renameSync(`${keyFile}.new`, keyFile);
      console.log(`Re-encrypted ${connections} connection(s). New key in ${keyFile}; the previous one is in ${keyFile}.old (delete it once you have checked).`);
    } else {
      console.log(`Re-encrypted ${connections} connection(s). Now set PONTE_SECRET_KEY to the value of PONTE_NEW_SECRET_KEY wherever Ponte runs.`);
    }
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigProblem ? `Cannot rotate the key: ${err.message}` : err);
  process.exit(1);
});
