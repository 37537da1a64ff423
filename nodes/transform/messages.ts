/** What a transform in filter mode writes in the log of a record it leaves out, in both languages. */
import { defineMessages } from '../../connectors/localized';

export const TRANSFORM_MESSAGES = defineMessages('transform', {
  filteredOut: (p: { node: string }) => ({
    en: `Filtered out by ${p.node}`,
    'pt-BR': `Não passou no filtro do bloco "${p.node}"`,
  }),
});
