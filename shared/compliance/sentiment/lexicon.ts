/** The word lists of the offline analyzer; ./offline.ts says how they correct nlp.js's own lexicons. */
import type { DetectedLanguage } from '../language';

/** Customer-service vocabulary, AFINN units (−5…5). Added to nlp.js's lexicon or overriding it. */
export const LEXICON: Record<DetectedLanguage, Record<string, number>> = {
  pt: {
    // negative
    péssimo: -4, péssima: -4, horrível: -4, horroroso: -4, terrível: -4, ruim: -3, pior: -3,
    insatisfeito: -3, insatisfeita: -3, insatisfação: -3, descontente: -3, decepcionado: -3, decepcionada: -3,
    decepção: -3, absurdo: -3, vergonha: -3, ridículo: -3, lixo: -4, porcaria: -4, golpe: -4, fraude: -4,
    enganado: -3, enganada: -3, enganação: -3, mentira: -3, mentiroso: -3, descaso: -3, desrespeito: -3,
    palhaçada: -4, enrolação: -3, enrolando: -3, raiva: -3, irritado: -3, irritada: -3, revoltado: -3,
    chateado: -2, chateada: -2, cansado: -2, quebrado: -2, quebrada: -2, defeito: -2, defeituoso: -2,
    estragado: -2, errado: -2, errada: -2, atraso: -2, atrasado: -2, atrasou: -2, demora: -2, demorou: -2,
    reclamação: -2, reclamar: -2, procon: -3, processar: -3, advogado: -2, problema: -2, inadmissível: -4,
    inaceitável: -4, incompetente: -4, incompetência: -4, merda: -4, desgraça: -4, sumiu: -2, cancelar: -1,
    cancelamento: -1, reembolso: -1, devolução: -1,
    // positive
    excelente: 4, ótimo: 3, ótima: 3, maravilhoso: 4, incrível: 4, perfeito: 3, perfeita: 3, adorei: 3, amei: 3,
    gostei: 3, satisfeito: 3, satisfeita: 3, parabéns: 3, recomendo: 3, eficiente: 3, atencioso: 3, atenciosa: 3,
    educado: 2, agradeço: 2, feliz: 3, contente: 2, bom: 2, boa: 2, show: 2, top: 2, resolvido: 2,
    obrigado: 1, obrigada: 1,
  },
  es: {
    // negative
    pésimo: -4, pésima: -4, horrible: -4, terrible: -4, malísimo: -4, malo: -3, mala: -3, peor: -3,
    molesto: -3, molesta: -3, enojado: -3, enojada: -3, furioso: -4, indignado: -3, insatisfecho: -3,
    disconforme: -3, decepcionado: -3, decepción: -3, vergüenza: -3, vergonzoso: -4, ridículo: -3, lamentable: -3,
    estafa: -4, estafador: -4, chanta: -3, chantada: -3, basura: -4, mentira: -3, mentiroso: -3, desastre: -4,
    harto: -3, harta: -3, cansado: -2, roto: -2, rota: -2, fallado: -2, defectuoso: -2, defecto: -2,
    atraso: -2, atrasado: -2, demora: -2, demorado: -2, reclamo: -2, queja: -2, denuncia: -3, abogado: -2,
    problema: -2, inaceptable: -4, inadmisible: -4, incompetente: -4, mierda: -4, desprolijo: -2,
    cancelar: -1, devolución: -1, reembolso: -1,
    // positive
    excelente: 4, genial: 3, bárbaro: 3, buenísimo: 3, espectacular: 4, maravilloso: 4, increíble: 4,
    perfecto: 3, perfecta: 3, encantó: 3, encanta: 3, gustó: 3, conforme: 2, conformes: 2, satisfecho: 3, recomiendo: 3,
    eficiente: 3, amable: 3, felicitaciones: 3, contento: 2, feliz: 3, agradezco: 2, bueno: 2, buena: 2,
    gracias: 1,
  },
  en: {
    // negative
    terrible: -4, awful: -4, horrible: -4, worst: -4, bad: -3, poor: -2, upset: -3, angry: -3, furious: -4,
    annoyed: -3, frustrated: -3, disappointed: -3, disappointing: -3, unacceptable: -4, ridiculous: -3,
    scam: -4, fraud: -4, useless: -3, rude: -3, incompetent: -4, shame: -3, disgrace: -4, broken: -2,
    damaged: -2, defective: -2, late: -2, delay: -2, delayed: -2, complaint: -2, complain: -2, problem: -2,
    issue: -1, lawyer: -2, refund: -1, cancel: -1,
    // positive
    excellent: 4, amazing: 4, wonderful: 4, fantastic: 4, great: 3, awesome: 3, perfect: 3, love: 3, loved: 3,
    happy: 3, satisfied: 3, recommend: 3, helpful: 3, good: 2, nice: 2, kind: 2, appreciate: 2, thanks: 1,
    thank: 1,
  },
};

/** Lexicon entries removed: business vocabulary and politeness that carry no sentiment in chat. */
export const NEUTRAL_WORDS: Record<DetectedLanguage, string[]> = {
  pt: [
    'para', 'querer', 'queria', 'quero', 'saber', 'favor', 'grande', 'modelo', 'retirar', 'dinheiro', 'chegar',
    'chegou', 'esperar', 'espero', 'peço', 'pedir', 'pagar', 'pagamento', 'sim', 'livre', 'valor', 'preço',
  ],
  es: [
    'con', 'ir', 'voy', 'querer', 'quiero', 'quería', 'saber', 'sábado', 'si', 'que', 'ser', 'modelo', 'grande',
    'solo', 'efectivo', 'aceptar', 'favor', 'esperar', 'espero', 'llegar', 'llegó', 'pagar', 'pago', 'retirar',
    'porque', 'mandar', 'precio', 'plata', 'pedido',
  ],
  en: [
    'please', 'order', 'price', 'quote', 'invoice', 'delivery', 'package', 'arrive', 'credit', 'accept', 'hour',
    'open', 'will', 'want', 'need', 'pick', 'send', 'service', 'product', 'model', 'large', 'big',
  ],
};

export const NEGATIONS: Record<DetectedLanguage, string[]> = {
  pt: ['não', 'nao', 'nunca', 'jamais', 'nem', 'nenhum', 'nenhuma', 'ninguém', 'ninguem', 'nada', 'sem'],
  es: ['no', 'nunca', 'jamás', 'jamas', 'ni', 'ningún', 'ninguno', 'ninguna', 'nadie', 'nada', 'sin'],
  en: ['not', 'no', 'never', 'nobody', 'nothing', 'none', 'without', 'nor'],
};

export const INTENSIFIERS: Record<DetectedLanguage, string[]> = {
  pt: ['muito', 'muita', 'muitíssimo', 'super', 'tão', 'extremamente', 'totalmente', 'completamente', 'realmente', 'mega', 'hiper'],
  es: ['muy', 'súper', 'super', 'tan', 're', 'demasiado', 'extremadamente', 'totalmente', 'completamente', 'realmente', 'bastante'],
  en: ['very', 'so', 'too', 'really', 'extremely', 'totally', 'completely', 'super', 'absolutely'],
};

/** Greetings removed before analysis: "bom dia" and "buenas tardes" are not praise. */
export const GREETINGS: Record<DetectedLanguage, RegExp> = {
  pt: /(?<![\p{L}])(?:bom dia|boa tarde|boa noite|tudo bem|tudo bom|td bem|tudo certo)(?![\p{L}])/giu,
  es: /(?<![\p{L}])(?:buen d[ií]a|buenos d[ií]as|buenas tardes|buenas noches|buenas|qu[eé] tal|todo bien)(?![\p{L}])/giu,
  en: /(?<![\p{L}])(?:good morning|good afternoon|good evening|good night)(?![\p{L}])/giu,
};

/** Emoji with a clear polarity, any language (AFINN units). */
export const EMOJI: Record<string, number> = {
  '😡': -3, '🤬': -4, '😠': -3, '👎': -2, '😤': -2, '😒': -2, '😞': -2, '😢': -2, '😭': -2, '💩': -3, '🙄': -2,
  '😍': 3, '🥰': 3, '😊': 2, '😀': 2, '😃': 2, '😄': 2, '😁': 2, '👏': 2, '❤️': 3, '❤': 3, '👍': 1, '🙂': 1,
};
export const EMOJI_PATTERN = new RegExp(
  Object.keys(EMOJI)
    .sort((a, b) => b.length - a.length)
    .map((emoji) => emoji.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'gu',
);
