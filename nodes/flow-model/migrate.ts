/**
 * Flow document migrations. Every stored document is read through `migrateDocument`, so a flow
 * saved today loads after the format evolves: add a step here when CURRENT_SCHEMA_VERSION grows.
 */
import { CURRENT_SCHEMA_VERSION, type FlowDocument } from './document';

type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

/** MIGRATIONS[n] turns a version-n document into version n+1. */
const MIGRATIONS: Record<number, Migration> = {
  // 1 -> 2 goes here.
};

export class UnsupportedSchemaVersion extends Error {}

export function migrateDocument(input: unknown): FlowDocument {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new UnsupportedSchemaVersion('A flow document must be a JSON object');
  let doc = input as Record<string, unknown>;
  let version = doc.schemaVersion ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new UnsupportedSchemaVersion(`schemaVersion must be a whole number from 1 to ${CURRENT_SCHEMA_VERSION}`);
  if (version > CURRENT_SCHEMA_VERSION)
    throw new UnsupportedSchemaVersion(`schemaVersion ${version} is newer than this Ponte understands (${CURRENT_SCHEMA_VERSION}); upgrade Ponte`);
  while (version < CURRENT_SCHEMA_VERSION) {
    doc = MIGRATIONS[version](doc);
    version++;
  }
  return { ...doc, schemaVersion: CURRENT_SCHEMA_VERSION } as unknown as FlowDocument;
}
