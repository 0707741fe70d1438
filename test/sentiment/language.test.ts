import { describe, expect, it } from 'vitest';
import { detectLanguage, languageEvidence } from '../../shared/compliance/language';

describe('detectLanguage', () => {
  it.each([
    ['Estoy muy molesto, el pedido llegó roto y nadie me responde. Es un pésimo servicio'],
    ['¿Me pasás la cotización del modelo X?'],
    ['Buenas tardes, te mando la factura mañana'],
    ['Hola, queria saber si tienen stock del modelo que vi ayer'],
    ['Che, me pasas el precio del envio a Cordoba?'],
    ['No me llego nada todavia, ya pasaron dos semanas'],
    ['Disculpe, cual es el horario de atencion?'],
    ['jajaja dale, nos vemos el lunes'],
    ['Pésimo servicio'],
  ])('reads Spanish (Argentinian chat, with or without accents): %s', (text) => {
    expect(detectLanguage(text)).toBe('es');
  });

  it.each([
    ['Estou muito insatisfeito, péssimo atendimento, ninguém resolve nada'],
    ['Qual o prazo de entrega para São Paulo?'],
    ['Muito obrigado, o atendimento foi excelente!'],
    ['Bom dia, segue o orçamento em anexo'],
    ['Nao recebi o pedido ainda, voces podem verificar?'],
    ['Oi, tudo bem? Queria saber o valor do frete pra Curitiba'],
    ['O produto chegou quebrado e ninguem me responde'],
    ['Boa tarde, o boleto vence amanha?'],
    ['Ja fiz o pagamento, confirma pra mim?'],
    ['Adorei, chegou super rápido, parabéns'],
    ['kkkkk valeu mano, fechou então'],
  ])('reads Portuguese (Brazilian chat, with or without accents): %s', (text) => {
    expect(detectLanguage(text)).toBe('pt');
  });

  it.each([
    ['I am very upset, the order arrived broken and nobody answers'],
    ['Thanks a lot, great service!'],
    ['Can you send me the invoice please?'],
    ['When will my package arrive?'],
  ])('reads English: %s', (text) => {
    expect(detectLanguage(text)).toBe('en');
  });

  it('keeps the language of the text when it names people of the other one', () => {
    expect(detectLanguage('Oi Juan, o pedido do Sr. Martínez já saiu?')).toBe('pt');
    expect(detectLanguage('Hola João, ¿ya salió el pedido de la señora Gonçalves?')).toBe('es');
  });

  it('corrects the trigram guesser where it alone picks the wrong language', () => {
    const spanish = languageEvidence('Buenas tardes, te mando la factura mañana');
    expect(spanish.trigrams.pt).toBeGreaterThan(spanish.trigrams.es);
    expect(spanish.language).toBe('es');
    const english = languageEvidence('Thanks a lot, great service!');
    expect(english.trigrams.es).toBeGreaterThan(english.trigrams.en);
    expect(english.language).toBe('en');
  });

  it.each([
    ['ok obg', 'too-short'],
    ['👍👍👍', 'too-short'],
    ['Здравствуйте, когда будет доставка?', 'not-latin'],
    ['Bonjour, je voudrais savoir le prix de la livraison', 'other-language'],
    ['Buongiorno, vorrei sapere il prezzo della consegna', 'other-language'],
    ['Guten Tag, ich möchte den Preis wissen', 'other-language'],
    ['Grazie mille per la consegna veloce', 'other-language'],
  ] as const)('returns undefined for %s (%s)', (text, reason) => {
    expect(detectLanguage(text)).toBeUndefined();
    expect(languageEvidence(text).reason).toBe(reason);
  });
});
