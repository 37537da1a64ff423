import { describe, expect, it, vi } from 'vitest';
import { CONNECTION_PROBLEMS, type ConnectionFields, type FieldProblem, validateConnection } from './validate';

const stored = { provider: 'bling', credentials: { accessToken: 'token' }, frequency: 'manual', cron: null };
const blingInput = (fields: ConnectionFields = {}): ConnectionFields => ({ name: 'Bling da loja', provider: 'bling', credentials: { accessToken: 'token' }, ...fields });

/** Bad connections (new ones, and changes to a stored Bling) that, together, meet every refusal. */
const BAD: Array<[ConnectionFields, typeof stored?]> = [
  [{}],
  [{ name: ' ', provider: 'no-such-erp' }],
  [{ name: 'Loja', provider: 'shopify', credentials: {} }],
  [{ name: 'Loja', provider: 'bling' }],
  [{ name: 'E-mail', provider: 'smtp', baseUrl: 'https://mail.test', credentials: {} }],
  [blingInput({ baseUrl: 'ftp://bling.test', credentials: { accessToken: 'token', apiKey: 'x' }, entities: ['products', 'payments', 'boletos'] })],
  [blingInput({ direction: 'sideways', frequency: 'hourly', backfillFrom: 'ontem', settings: { rateLimit: 3 } })],
  [blingInput({ frequency: 'cron', settings: { rateLimit: { requestsPerSecond: -1, burst: 0 } } })],
  [blingInput({ frequency: 'cron', cron: 'todo dia' })],
  [{ provider: 'mercadolivre', name: '', credentials: { accessToken: '' } }, stored],
];

describe('validateConnection: problems in both languages', () => {
  it('marks a wrong address and cron in Portuguese, keeping the English message as it was', () => {
    const problems = validateConnection(blingInput({ baseUrl: 'ftp://bling.test/Api/v3', frequency: 'cron', cron: 'todo dia' }));
    const byField = Object.fromEntries(problems.map((p) => [p.field, p]));
    expect(byField.baseUrl).toEqual({
      field: 'baseUrl',
      message: 'baseUrl must be an http(s) URL, e.g. https://api.bling.com.br/Api/v3; got "ftp://bling.test/Api/v3"',
      text: {
        en: 'baseUrl must be an http(s) URL, e.g. https://api.bling.com.br/Api/v3; got "ftp://bling.test/Api/v3"',
        'pt-BR': 'O endereço da API deve ser uma URL http(s), por exemplo https://api.bling.com.br/Api/v3; recebido "ftp://bling.test/Api/v3"',
      },
    });
    expect(byField.cron.text!['pt-BR']).toBe('A expressão cron precisa de cinco campos (minuto hora dia mês dia-da-semana), por exemplo "*/10 * * * *"; recebido "todo dia"');
  });

  it('keeps provider names, credential names and known values as they are', () => {
    const problems = validateConnection(blingInput({ credentials: { accessToken: 'token', apiKey: 'x' }, entities: ['payments'] }));
    expect(problems.map((p) => p.text!['pt-BR'])).toEqual([
      'Bling não usa a credencial "apiKey"; credenciais aceitas: clientId, clientSecret, accessToken, refreshToken',
      expect.stringMatching(/^Bling não sincroniza "payments"; sincroniza apenas: products, /),
    ]);
    expect(validateConnection({ name: 'Loja', provider: 'no-such-erp' })[0].text!['pt-BR']).toMatch(/^O sistema "no-such-erp" é desconhecido; sistemas conhecidos: .*bling/);
  });

  it('gives every refusal it can make in English and in Portuguese', () => {
    // Each kind of refusal in the catalogue is met at least once (the OAuth2 ones are raised outside the validator).
    const kinds = (Object.keys(CONNECTION_PROBLEMS) as Array<keyof typeof CONNECTION_PROBLEMS>).filter((k) => !k.startsWith('oauth'));
    const spies = kinds.map((k) => [k, vi.spyOn(CONNECTION_PROBLEMS, k)] as const);
    const all: FieldProblem[] = BAD.flatMap(([input, current]) => validateConnection(input, current));
    for (const [kind, spy] of spies) expect(spy.mock.calls.length, kind).toBeGreaterThan(0);
    vi.restoreAllMocks();
    for (const p of all) {
      expect(p.text?.en, p.message).toBe(p.message);
      expect(p.text?.['pt-BR'], p.message).toBeTruthy();
      expect(p.text!['pt-BR'], p.message).not.toBe(p.message);
    }
    expect(validateConnection(blingInput())).toEqual([]);
  });

  it('words the authorisation (OAuth2) refusals in both languages too', () => {
    for (const text of [
      CONNECTION_PROBLEMS.oauthNotUsed('Shopify'),
      CONNECTION_PROBLEMS.oauthAppMissing('Bling'),
      CONNECTION_PROBLEMS.oauthStateUnknown(),
      CONNECTION_PROBLEMS.oauthRefused('access_denied'),
      CONNECTION_PROBLEMS.oauthNoCode(),
    ]) {
      expect(text.en).toBeTruthy();
      expect(text['pt-BR']).toBeTruthy();
      expect(text['pt-BR']).not.toBe(text.en);
    }
  });
});
