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

/** A document this Ponte cannot read; `text` holds the reason in both languages the UI speaks. */
export class UnsupportedSchemaVersion extends Error {
  constructor(readonly text: { en: string; 'pt-BR': string }) {
    super(text.en);
  }
}

export function migrateDocument(input: unknown): FlowDocument {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new UnsupportedSchemaVersion({ en: 'A flow document must be a JSON object', 'pt-BR': 'O documento do fluxo deve ser um objeto JSON' });
  let doc = input as Record<string, unknown>;
  let version = doc.schemaVersion ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new UnsupportedSchemaVersion({
      en: `schemaVersion must be a whole number from 1 to ${CURRENT_SCHEMA_VERSION}`,
      'pt-BR': `schemaVersion deve ser um número inteiro de 1 a ${CURRENT_SCHEMA_VERSION}`,
    });
  if (version > CURRENT_SCHEMA_VERSION)
    throw new UnsupportedSchemaVersion({
      en: `schemaVersion ${version} is newer than this Ponte understands (${CURRENT_SCHEMA_VERSION}); upgrade Ponte`,
      'pt-BR': `schemaVersion ${version} é mais novo do que esta Ponte entende (${CURRENT_SCHEMA_VERSION}); atualize a Ponte`,
    });
  while (version < CURRENT_SCHEMA_VERSION) {
    doc = MIGRATIONS[version](doc);
    version++;
  }
  return { ...doc, schemaVersion: CURRENT_SCHEMA_VERSION } as unknown as FlowDocument;
}
