/**
 * What to do about SEFAZ's answers, in the two languages the UI speaks, per cStat (the codes
 * sellers meet most: sped-nfe storage/cstat.json and the research notes' A1.5 table), plus the
 * fixed hints for a rejection Ponte has no entry for, an answer it does not know, and an order
 * emit-nf could not turn into an NF-e. Hint codes: `sefaz.<cStat>`, `sefaz.rejected`,
 * `sefaz.other`, `nfe.field`, `nfe.order` (server/runs/hints.ts reads them back).
 */
import type { HintText } from '../http/errors';

export const CSTAT_HINTS: Record<string, HintText> = {
  '100': {
    en: 'Authorised: the NF-e is valid. Keep the nfeProc XML (signed note plus protocol) for at least 5 years.',
    'pt-BR': 'Autorizado: a NF-e é válida. Guarde o XML do nfeProc (nota assinada com o protocolo) por pelo menos 5 anos.',
  },
  '150': {
    en: 'Authorised after the deadline: valid, but SEFAZ recorded that it was sent late.',
    'pt-BR': 'Autorizado fora do prazo: a nota é válida, mas a SEFAZ registrou que ela foi enviada com atraso.',
  },
  '101': {
    en: 'The NF-e is cancelled at SEFAZ: it has no fiscal value any more. Keep the cancellation\'s procEventoNFe with the nfeProc.',
    'pt-BR': 'A NF-e está cancelada na SEFAZ: não tem mais valor fiscal. Guarde o procEventoNFe do cancelamento junto com o nfeProc.',
  },
  '102': {
    en: 'The numbers are voided (inutilização homologada): the gap in the sequence is accounted for. Keep the procInutNFe XML.',
    'pt-BR': 'Os números foram inutilizados (inutilização homologada): o salto na numeração está justificado. Guarde o XML procInutNFe.',
  },
  '103': {
    en: 'SEFAZ received the batch and will process it: ask for the result with the receipt (nRec) after tMed seconds.',
    'pt-BR': 'A SEFAZ recebeu o lote e vai processá-lo: consulte o resultado pelo recibo (nRec) depois de tMed segundos.',
  },
  '104': {
    en: 'SEFAZ processed the batch: the result of each note is in its protocol.',
    'pt-BR': 'A SEFAZ processou o lote: o resultado de cada nota está no protocolo dela.',
  },
  '105': {
    en: 'SEFAZ is still processing the batch: ask again after tMed seconds.',
    'pt-BR': 'A SEFAZ ainda está processando o lote: consulte de novo depois de tMed segundos.',
  },
  '106': {
    en: 'SEFAZ does not know this receipt (nRec): it expired or is from another authoriser. Consult the note by its access key.',
    'pt-BR': 'A SEFAZ não conhece este recibo (nRec): ele expirou ou é de outro autorizador. Consulte a nota pela chave de acesso.',
  },
  '107': {
    en: 'The SEFAZ service is working.',
    'pt-BR': 'O serviço da SEFAZ está em operação.',
  },
  '108': {
    en: 'The SEFAZ service is briefly down. Retried later; if it lasts, consider contingency (SVC for NF-e, offline for NFC-e).',
    'pt-BR': 'O serviço da SEFAZ está paralisado momentaneamente. A Ponte tenta de novo mais tarde; se demorar, avalie a contingência (SVC para NF-e, offline para NFC-e).',
  },
  '109': {
    en: 'The SEFAZ service is down with no forecast. Use contingency (SVC-AN/SVC-RS for NF-e, offline for NFC-e) or wait.',
    'pt-BR': 'O serviço da SEFAZ está paralisado sem previsão de retorno. Use a contingência (SVC-AN/SVC-RS para NF-e, offline para NFC-e) ou aguarde.',
  },
  '110': {
    en: 'Use denied: SEFAZ refused the note for a tax irregularity and its number is spent. Talk to the accountant.',
    'pt-BR': 'Uso denegado: a SEFAZ recusou a nota por irregularidade fiscal e o número foi consumido. Fale com o contador.',
  },
  '128': {
    en: 'SEFAZ processed the batch of events: the result of each event is in its retEvento.',
    'pt-BR': 'A SEFAZ processou o lote de eventos: o resultado de cada evento está no retEvento dele.',
  },
  '135': {
    en: 'Event registered and linked to the NF-e: for a cancellation, the note is cancelled. Keep the procEventoNFe XML.',
    'pt-BR': 'Evento registrado e vinculado à NF-e: num cancelamento, a nota está cancelada. Guarde o XML procEventoNFe.',
  },
  '136': {
    en: 'Event registered, but not linked to the NF-e (SEFAZ could not find the note at that moment): it is valid all the same.',
    'pt-BR': 'Evento registrado, mas não vinculado à NF-e (a SEFAZ não encontrou a nota naquele momento): ele vale do mesmo jeito.',
  },
  '155': {
    en: 'Cancellation accepted after the deadline: the note is cancelled, but the state may charge a fine for the late cancellation.',
    'pt-BR': 'Cancelamento homologado fora do prazo: a nota está cancelada, mas o estado pode cobrar multa pelo cancelamento extemporâneo.',
  },
  '204': {
    en: 'This NF-e was already authorised earlier: the protocol is recovered by consulting the access key.',
    'pt-BR': 'Duplicidade: esta NF-e já foi autorizada antes. O protocolo é recuperado consultando a chave de acesso.',
  },
  '205': {
    en: 'This NF-e is denied at SEFAZ: its number is spent.',
    'pt-BR': 'Esta NF-e está denegada na SEFAZ: o número foi consumido.',
  },
  '206': {
    en: 'This number was voided (inutilizado) at SEFAZ: an invoice cannot use it. Issue the order with a new number.',
    'pt-BR': 'Este número foi inutilizado na SEFAZ: nenhuma nota pode usá-lo. Emita o pedido com um número novo.',
  },
  '213': {
    en: 'The certificate belongs to another company: its CNPJ base differs from the issuer\'s (emit/CNPJ). Use the A1 certificate of the issuing company.',
    'pt-BR': 'O certificado é de outra empresa: a raiz do CNPJ dele difere da do emitente (emit/CNPJ). Use o certificado A1 da empresa emitente.',
  },
  '215': {
    en: 'The XML breaks the NF-e schema: the message names the field. Fix the data (often a field too long, empty or with a forbidden character).',
    'pt-BR': 'O XML não segue o schema da NF-e: a mensagem cita o campo. Corrija os dados (muitas vezes um campo longo demais, vazio ou com caractere proibido).',
  },
  '217': {
    en: 'SEFAZ has no NF-e with this access key: it was never authorised, so it can be sent (again).',
    'pt-BR': 'A SEFAZ não tem NF-e com esta chave de acesso: ela nunca foi autorizada, então pode ser enviada (de novo).',
  },
  '218': {
    en: 'The NF-e is already cancelled at SEFAZ.',
    'pt-BR': 'A NF-e já está cancelada na SEFAZ.',
  },
  '222': {
    en: 'The authorisation protocol (nProt) in the cancellation is not the one SEFAZ recorded for this NF-e: consult the key and use its protocol.',
    'pt-BR': 'O protocolo de autorização (nProt) informado no cancelamento não é o que a SEFAZ registrou para esta NF-e: consulte a chave e use o protocolo dela.',
  },
  '224': {
    en: 'The range of numbers to void ends before it starts: swap the first and last numbers.',
    'pt-BR': 'A faixa de números a inutilizar termina antes de começar: inverta o número inicial e o final.',
  },
  '225': {
    en: 'The batch breaks the schema: the message names the field. Usually a field of the note with the wrong format or length.',
    'pt-BR': 'O lote não segue o schema: a mensagem cita o campo. Em geral é um campo da nota com formato ou tamanho errado.',
  },
  '226': {
    en: 'The note\'s UF (cUF) is not the authoriser\'s: check the connection\'s UF setting.',
    'pt-BR': 'A UF da nota (cUF) não é a do autorizador: confira a UF nas configurações da conexão.',
  },
  '228': {
    en: 'The issue date is too old: issue a new note with the current date.',
    'pt-BR': 'A data de emissão é antiga demais: emita uma nota nova com a data atual.',
  },
  '230': {
    en: 'The issuer\'s IE is not registered at this SEFAZ: check the IE in the connection settings.',
    'pt-BR': 'A IE do emitente não está cadastrada nesta SEFAZ: confira a IE nas configurações da conexão.',
  },
  '231': {
    en: 'The issuer\'s IE does not belong to its CNPJ: check the IE and CNPJ in the connection settings.',
    'pt-BR': 'A IE do emitente não pertence ao CNPJ dele: confira a IE e o CNPJ nas configurações da conexão.',
  },
  '233': {
    en: 'The recipient\'s IE is not registered at SEFAZ: fix the customer\'s IE or mark them as not a contributor (indIEDest 9).',
    'pt-BR': 'A IE do destinatário não está cadastrada na SEFAZ: corrija a IE do cliente ou marque-o como não contribuinte (indIEDest 9).',
  },
  '236': {
    en: 'The access key\'s check digit is wrong: the note must be built again.',
    'pt-BR': 'O dígito verificador da chave de acesso está errado: a nota precisa ser montada de novo.',
  },
  '239': {
    en: 'SEFAZ does not accept this layout version: update Ponte.',
    'pt-BR': 'A SEFAZ não aceita esta versão do leiaute: atualize a Ponte.',
  },
  '241': {
    en: 'A number of the range was used by an invoice SEFAZ authorised or denied: only numbers never used can be voided. Void a range without it (an authorised invoice is cancelled instead).',
    'pt-BR': 'Um número da faixa foi usado por uma nota autorizada ou denegada pela SEFAZ: só números nunca usados podem ser inutilizados. Inutilize uma faixa sem ele (uma nota autorizada é cancelada, não inutilizada).',
  },
  '245': {
    en: 'The issuer\'s CNPJ is not registered at this SEFAZ (or not enabled to issue NF-e): check the CNPJ and the UF.',
    'pt-BR': 'O CNPJ do emitente não está cadastrado nesta SEFAZ (ou não está habilitado a emitir NF-e): confira o CNPJ e a UF.',
  },
  '252': {
    en: 'The note\'s environment (tpAmb) is not this web service\'s: a homologação note sent to produção or the other way round. Check the connection\'s environment.',
    'pt-BR': 'O ambiente da nota (tpAmb) não é o deste web service: uma nota de homologação enviada à produção, ou o contrário. Confira o ambiente da conexão.',
  },
  '253': {
    en: 'The access key\'s check digit is wrong: the note must be built again.',
    'pt-BR': 'O dígito verificador da chave de acesso está errado: a nota precisa ser montada de novo.',
  },
  '256': {
    en: 'Part of the range is voided at SEFAZ already: void only the numbers that are not.',
    'pt-BR': 'Parte da faixa já está inutilizada na SEFAZ: inutilize só os números que ainda não estão.',
  },
  '280': {
    en: 'SEFAZ refused the TLS certificate: it must be an ICP-Brasil A1 certificate (e-CNPJ) that is valid and not revoked.',
    'pt-BR': 'A SEFAZ recusou o certificado TLS: ele precisa ser um certificado A1 ICP-Brasil (e-CNPJ) válido e não revogado.',
  },
  '281': {
    en: 'The TLS certificate is expired: renew the A1 certificate.',
    'pt-BR': 'O certificado TLS está vencido: renove o certificado A1.',
  },
  '297': {
    en: 'The signature does not match the content: the XML was changed after signing. Sign again and send the signed XML untouched.',
    'pt-BR': 'A assinatura não confere com o conteúdo: o XML foi alterado depois de assinado. Assine de novo e envie o XML assinado sem alterá-lo.',
  },
  '298': {
    en: 'The signature does not follow SEFAZ\'s standard (algorithms, reference or namespace prefix): sign again with Ponte.',
    'pt-BR': 'A assinatura não segue o padrão da SEFAZ (algoritmos, referência ou prefixo de namespace): assine de novo com a Ponte.',
  },
  '301': {
    en: 'Use denied for the issuer\'s tax irregularity: the number is spent. Talk to the accountant.',
    'pt-BR': 'Uso denegado por irregularidade fiscal do emitente: o número foi consumido. Fale com o contador.',
  },
  '302': {
    en: 'Use denied for the recipient\'s tax irregularity: the number is spent.',
    'pt-BR': 'Uso denegado por irregularidade fiscal do destinatário: o número foi consumido.',
  },
  '303': {
    en: 'Use denied: the recipient may not operate in the UF. The number is spent.',
    'pt-BR': 'Uso denegado: o destinatário não está habilitado a operar na UF. O número foi consumido.',
  },
  '373': {
    en: 'In homologação the first item of an NFC-e must be described as "NOTA FISCAL EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL".',
    'pt-BR': 'Em homologação, o primeiro item da NFC-e precisa ter a descrição "NOTA FISCAL EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL".',
  },
  '386': {
    en: 'The CFOP is not allowed for the CSOSN of an item: check the item\'s tax rules.',
    'pt-BR': 'O CFOP não é permitido para o CSOSN de um item: confira as regras fiscais do item.',
  },
  '394': {
    en: 'The NFC-e has no QR code: check the CSC and CSC id of the connection.',
    'pt-BR': 'A NFC-e está sem QR Code: confira o CSC e o Id do CSC da conexão.',
  },
  '402': {
    en: 'The XML is not UTF-8.',
    'pt-BR': 'O XML não está em UTF-8.',
  },
  '404': {
    en: 'The XML uses a namespace prefix (such as ds:) that SEFAZ forbids: sign again with Ponte.',
    'pt-BR': 'O XML usa um prefixo de namespace (como ds:) que a SEFAZ proíbe: assine de novo com a Ponte.',
  },
  '462': {
    en: 'SEFAZ does not know the CSC id: check the CSC id (and that it is the one for this environment).',
    'pt-BR': 'A SEFAZ não conhece o Id do CSC: confira o Id do CSC (e se ele é o deste ambiente).',
  },
  '464': {
    en: 'The QR code hash is wrong: check the CSC token in the connection (homologação and produção have different CSCs).',
    'pt-BR': 'O hash do QR Code está errado: confira o token CSC da conexão (homologação e produção têm CSCs diferentes).',
  },
  '494': {
    en: 'SEFAZ has no NF-e with this access key: an event needs an authorised note.',
    'pt-BR': 'A SEFAZ não tem NF-e com esta chave de acesso: um evento precisa de uma nota autorizada.',
  },
  '501': {
    en: 'The cancellation deadline has passed (24 hours for an NF-e in most states, 30 minutes for an NFC-e): the note can no longer be cancelled this way. Talk to the accountant (a return invoice, or the state\'s late-cancellation procedure).',
    'pt-BR': 'O prazo de cancelamento passou (24 horas para NF-e na maioria dos estados, 30 minutos para NFC-e): a nota não pode mais ser cancelada assim. Fale com o contador (nota de devolução ou o procedimento de cancelamento extemporâneo do estado).',
  },
  '502': {
    en: 'The access key does not match the note\'s fields (UF, date, CNPJ, model, series, number, cNF): the note must be built again.',
    'pt-BR': 'A chave de acesso não confere com os campos da nota (UF, data, CNPJ, modelo, série, número, cNF): a nota precisa ser montada de novo.',
  },
  '532': {
    en: 'The ICMS total differs from the sum of the items: the totals must be recomputed.',
    'pt-BR': 'O total do ICMS difere da soma dos itens: os totais precisam ser recalculados.',
  },
  '533': {
    en: 'The ICMS-ST base total differs from the sum of the items: the totals must be recomputed.',
    'pt-BR': 'O total da base de cálculo do ICMS-ST difere da soma dos itens: os totais precisam ser recalculados.',
  },
  '534': {
    en: 'The ICMS-ST total differs from the sum of the items: the totals must be recomputed.',
    'pt-BR': 'O total do ICMS-ST difere da soma dos itens: os totais precisam ser recalculados.',
  },
  '535': {
    en: 'The freight total differs from the sum of the items: the totals must be recomputed.',
    'pt-BR': 'O total do frete difere da soma dos itens: os totais precisam ser recalculados.',
  },
  '539': {
    en: 'This number (series and nNF) was already authorised with another access key: consult that key, or use a new number.',
    'pt-BR': 'Este número (série e nNF) já foi autorizado com outra chave de acesso: consulte essa chave ou use um número novo.',
  },
  '563': {
    en: 'This same range was voided before: its numbers are already void at SEFAZ.',
    'pt-BR': 'Esta mesma faixa já foi inutilizada antes: os números dela já estão inutilizados na SEFAZ.',
  },
  '564': {
    en: 'The products total differs from the sum of the items: the totals must be recomputed.',
    'pt-BR': 'O total dos produtos difere da soma dos itens: os totais precisam ser recalculados.',
  },
  '572': {
    en: 'The event\'s Id does not match its fields (tpEvento, key, sequence): build the event again with Ponte.',
    'pt-BR': 'O Id do evento não confere com os campos dele (tpEvento, chave, sequência): monte o evento de novo com a Ponte.',
  },
  '573': {
    en: 'SEFAZ has already registered this event for the note: for a cancellation, the note is cancelled already.',
    'pt-BR': 'A SEFAZ já registrou este evento para a nota: num cancelamento, a nota já está cancelada.',
  },
  '574': {
    en: 'Only the note\'s issuer can register this event: the event\'s CNPJ is not the one in the access key.',
    'pt-BR': 'Só o emitente da nota pode registrar este evento: o CNPJ do evento não é o da chave de acesso.',
  },
  '580': {
    en: 'The event needs an authorised NF-e: the note is not authorised (or is already cancelled or denied).',
    'pt-BR': 'O evento exige uma NF-e autorizada: a nota não está autorizada (ou já está cancelada ou denegada).',
  },
  '591': {
    en: 'A CSOSN was given but the issuer is not in Simples Nacional: check the tax regime (CRT) in the connection settings.',
    'pt-BR': 'Foi informado CSOSN, mas o emitente não é do Simples Nacional: confira o regime tributário (CRT) nas configurações da conexão.',
  },
  '598': {
    en: 'In homologação the recipient\'s name must be "NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL".',
    'pt-BR': 'Em homologação, o nome do destinatário precisa ser "NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL".',
  },
  '610': {
    en: 'The note\'s total (vNF) differs from the sum of its parts: the totals must be recomputed.',
    'pt-BR': 'O total da nota (vNF) difere da soma das partes dela: os totais precisam ser recalculados.',
  },
  '629': {
    en: 'An item\'s value differs from quantity × unit price: check the item\'s rounding.',
    'pt-BR': 'O valor de um item difere de quantidade × valor unitário: confira o arredondamento do item.',
  },
  '656': {
    en: 'Consumo indevido: SEFAZ blocked this CNPJ for sending too often (usually for an hour). Do not resend; wait and consult the key.',
    'pt-BR': 'Consumo indevido: a SEFAZ bloqueou este CNPJ por envios repetidos demais (em geral por uma hora). Não reenvie; aguarde e consulte a chave.',
  },
  '703': {
    en: 'The issue time is later than SEFAZ\'s clock: check the server\'s clock and time zone.',
    'pt-BR': 'A hora de emissão é posterior ao relógio da SEFAZ: confira o relógio e o fuso horário do servidor.',
  },
  '704': {
    en: 'The NFC-e was issued too long ago: issue it again with the current time, or in offline contingency.',
    'pt-BR': 'A NFC-e foi emitida há tempo demais: emita de novo com a hora atual, ou em contingência offline.',
  },
  '778': {
    en: 'An item\'s NCM does not exist: fix the product\'s NCM.',
    'pt-BR': 'O NCM de um item não existe: corrija o NCM do produto.',
  },
  '999': {
    en: 'SEFAZ failed unexpectedly. Retried later.',
    'pt-BR': 'A SEFAZ falhou de forma inesperada. A Ponte tenta de novo mais tarde.',
  },
};

/** For a cStat with no entry: a rejection (read xMotivo) or an answer Ponte does not know. */
export const SEFAZ_FALLBACK_HINTS = {
  rejected: {
    en: 'SEFAZ rejected the note: read its message (xMotivo), fix the data it names and send again.',
    'pt-BR': 'A SEFAZ rejeitou a nota: leia a mensagem dela (xMotivo), corrija os dados citados e envie de novo.',
  },
  other: {
    en: 'SEFAZ answered something Ponte does not know: read its message (xMotivo).',
    'pt-BR': 'A SEFAZ deu uma resposta que a Ponte não conhece: leia a mensagem dela (xMotivo).',
  },
} satisfies Record<string, HintText>;

/** An order emit-nf could not turn into an NF-e (the message names the field when there is one). */
export const NFE_DATA_HINTS = {
  field: {
    en: "Fix the field named in the message, in the order or in the node's expressions, then reprocess.",
    'pt-BR': 'Corrija o campo citado na mensagem, no pedido ou nas expressões do bloco, e reprocesse.',
  },
  order: {
    en: 'Fix the order or the node, then reprocess.',
    'pt-BR': 'Corrija o pedido ou o bloco e reprocesse.',
  },
} satisfies Record<string, HintText>;
