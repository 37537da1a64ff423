/**
 * What a `$depara` lookup with no answer writes in a record's log (ValueMapMissing), in both
 * languages. Pure, like the lookup.
 */
import { defineMessages } from '../../connectors/localized';

export const VALUE_MAP_MESSAGES = defineMessages('depara', {
  /** `connection`: the first connection searched (null: none), `otherConnection` the rest. */
  mapMissing: (p: { map: string; value: string; connection: string | null; otherConnection: string | null }) => ({
    en: `De-para "${p.map}" does not exist ${p.connection !== null ? `on connection ${p.connection}${p.otherConnection !== null ? ` or ${p.otherConnection}` : ''}` : 'on the connections of this flow'}: create it with an entry for "${p.value}", then reprocess`,
    'pt-BR': `O de-para "${p.map}" não existe ${p.connection !== null ? `na conexão ${p.connection}${p.otherConnection !== null ? ` nem na conexão ${p.otherConnection}` : ''}` : 'nas conexões deste fluxo'}: crie-o com uma entrada para "${p.value}" e depois reprocesse`,
  }),
  noEntry: (p: { map: string; connection: string; value: string }) => ({
    en: `De-para "${p.map}" (connection ${p.connection}) has no entry for "${p.value}" and no default: add it, then reprocess`,
    'pt-BR': `O de-para "${p.map}" (conexão ${p.connection}) não tem entrada para "${p.value}" nem valor padrão: adicione a entrada e depois reprocesse`,
  }),
});
