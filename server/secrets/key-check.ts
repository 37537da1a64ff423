/**
 * The database remembers a value sealed with the instance key. At start, a key that cannot open
 * it is refused with a clear message, instead of failing later with garbled credentials.
 */
import { eq } from 'drizzle-orm';
import { ConfigProblem } from '../config';
import type { Db } from '../db/client';
import { connections, instanceSettings } from '../db/schema';
import { SecretBox } from './crypto';

export const KEY_CHECK = 'secret_key_check';

export async function checkSecretKey(db: Db, box: SecretBox): Promise<void> {
  const [row] = await db.select().from(instanceSettings).where(eq(instanceSettings.key, KEY_CHECK));
  if (!row) {
    await db.insert(instanceSettings).values({ key: KEY_CHECK, value: box.seal('ponte') }).onConflictDoNothing();
    return;
  }
  if (!box.canOpen(row.value))
    throw new ConfigProblem(
      'The secret key does not match the one this database was sealed with. Set PONTE_SECRET_KEY (or restore the key file in the data folder) to the original key; to change keys, use `npm run rotate-key`.',
    );
}

/**
 * Re-seals every secret (credentials, webhook tokens, the key check) from `from` to `to`, in one
 * transaction: either all of them move to the new key or none does.
 */
export async function rotateSecretKey(db: Db, from: SecretBox, to: SecretBox): Promise<{ connections: number }> {
  return db.transaction(async (tx) => {
    const [check] = await tx.select().from(instanceSettings).where(eq(instanceSettings.key, KEY_CHECK));
    if (check && !from.canOpen(check.value)) throw new ConfigProblem('The current key does not open this database; rotation needs the key it was sealed with.');
    const rows = await tx.select({ id: connections.id, credentials: connections.credentials, webhookToken: connections.webhookToken }).from(connections);
    for (const row of rows) {
      await tx
        .update(connections)
        .set({ credentials: to.seal(from.open(row.credentials)), webhookToken: to.seal(from.open(row.webhookToken)) })
        .where(eq(connections.id, row.id));
    }
    await tx
      .insert(instanceSettings)
      .values({ key: KEY_CHECK, value: to.seal('ponte') })
      .onConflictDoUpdate({ target: instanceSettings.key, set: { value: to.seal('ponte') } });
    return { connections: rows.length };
  });
}

export { SecretBox };
