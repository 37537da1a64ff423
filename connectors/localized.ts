/**
 * Text in both languages Ponte speaks: English for code, logs, exports and API clients; pt-BR
 * for the people reading a screen or an alert. Hints and validation problems carry one beside
 * their English `hint`/`message`; the UI picks the reader's language.
 */
export interface LocalizedText {
  en: string;
  'pt-BR': string;
}
