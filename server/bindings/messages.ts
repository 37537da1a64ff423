/** What the echo check (echo.ts) writes in a record's log, in both languages. */
import { brDateTime, defineMessages } from '../../connectors/localized';

export const BINDING_MESSAGES = defineMessages('bindings', {
  /** `at`: when Ponte last wrote the record (ISO), if known. */
  echo: (p: { at: string | null }) => ({
    en: `Unchanged since Ponte wrote it (${p.at ?? 'earlier'}): not sent back`,
    'pt-BR': `Sem mudança desde que a Ponte o gravou${p.at ? ` em ${brDateTime(p.at)}` : ''}: não foi enviado de volta`,
  }),
});
