import {
  ComprehendClient,
  ComprehendServiceException,
  DetectSentimentCommand,
  InternalServerException,
  TooManyRequestsException,
} from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { COMPREHEND_MAX_TEXT_BYTES, ComprehendSentimentAnalyzer, truncateUtf8 } from '../../shared/compliance/adapters/comprehend-sentiment';
import { OfflineSentimentAnalyzer, ScreenedSentimentAnalyzer, offlineSentimentAnalyzer } from '../../shared/compliance/sentiment';
import { sentimentAnalyzerFor } from '../../shared/compliance/sentiment-analyzer';

const comprehend = mockClient(ComprehendClient);
const client = new ComprehendClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

const NEGATIVE_RESPONSE = {
  Sentiment: 'NEGATIVE',
  SentimentScore: { Positive: 0.01, Negative: 0.95, Neutral: 0.03, Mixed: 0.01 },
  $metadata: {},
} as const;

beforeEach(() => {
  comprehend.reset();
  comprehend.on(DetectSentimentCommand).resolves(NEGATIVE_RESPONSE);
});

describe('ComprehendSentimentAnalyzer', () => {
  it('sends one DetectSentimentCommand with the text and the language detected offline', async () => {
    const text = 'Estou muito insatisfeito, péssimo atendimento, ninguém resolve nada';
    const result = await new ComprehendSentimentAnalyzer(client).analyze(text);

    expect(comprehend.calls()).toHaveLength(1);
    const command = comprehend.call(0).args[0];
    expect(command).toBeInstanceOf(DetectSentimentCommand);
    expect(command.input).toEqual({ Text: text, LanguageCode: 'pt' });
    expect(result).toEqual({
      sentiment: 'NEGATIVE',
      scores: { Positive: 0.01, Negative: 0.95, Neutral: 0.03, Mixed: 0.01 },
      languageCode: 'pt',
      analyzer: 'comprehend',
    });
  });

  it('sends the language code of Spanish and English lines', async () => {
    const analyzer = new ComprehendSentimentAnalyzer(client);
    await analyzer.analyze('Estoy muy molesto, el pedido llegó roto y nadie me responde');
    await analyzer.analyze('I am very upset, the order arrived broken and nobody answers');
    expect(comprehend.commandCalls(DetectSentimentCommand).map((call) => call.args[0].input.LanguageCode)).toEqual(['es', 'en']);
  });

  it('truncates the text to 5,000 bytes of UTF-8 without splitting a character', async () => {
    const text = 'Péssimo atendimento, ninguém responde 😡 ação não resolvida. '.repeat(120);
    expect(Buffer.byteLength(text)).toBeGreaterThan(COMPREHEND_MAX_TEXT_BYTES);
    await new ComprehendSentimentAnalyzer(client).analyze(text);

    const sent = comprehend.commandCalls(DetectSentimentCommand)[0].args[0].input;
    expect(sent.LanguageCode).toBe('pt');
    expect(sent.Text).toBe(truncateUtf8(text, COMPREHEND_MAX_TEXT_BYTES));
    expect(Buffer.byteLength(sent.Text!)).toBeLessThanOrEqual(COMPREHEND_MAX_TEXT_BYTES);
    expect(Buffer.byteLength(sent.Text!)).toBeGreaterThan(COMPREHEND_MAX_TEXT_BYTES - 4);
    expect(text.startsWith(sent.Text!)).toBe(true);
    expect(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(sent.Text!))).toBe(sent.Text);
  });

  it('maps every label and defaults a missing score to 0', async () => {
    comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'MIXED', SentimentScore: { Mixed: 0.7, Positive: 0.2, Negative: 0.1 } });
    expect(await new ComprehendSentimentAnalyzer(client).analyze('O produto é bom mas a entrega atrasou muito')).toEqual({
      sentiment: 'MIXED',
      scores: { Positive: 0.2, Negative: 0.1, Neutral: 0, Mixed: 0.7 },
      languageCode: 'pt',
      analyzer: 'comprehend',
    });
  });

  it('skips without calling Comprehend what cannot carry sentiment or is in another language', async () => {
    const analyzer = new ComprehendSentimentAnalyzer(client);
    expect(await analyzer.analyze('ok 👍')).toEqual({ skipped: 'too short (2 letters, minimum 12)' });
    expect(await analyzer.analyze('11 99999-9999')).toEqual({ skipped: 'only numbers' });
    expect(await analyzer.analyze('Bonjour, je voudrais savoir le prix de la livraison')).toEqual({
      skipped: 'language not es, pt or en (other-language)',
    });
    expect(comprehend.calls()).toHaveLength(0);
  });

  it('propagates a throttling error unchanged, with its name', async () => {
    const throttled = new ComprehendServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'Rate exceeded',
    });
    comprehend.on(DetectSentimentCommand).rejects(throttled);
    const failure = new ComprehendSentimentAnalyzer(client).analyze('Estou muito insatisfeito, péssimo atendimento');
    await expect(failure).rejects.toBe(throttled);
    await expect(failure).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it.each([
    ['TooManyRequestsException', new TooManyRequestsException({ message: 'slow down', $metadata: {} })],
    ['InternalServerException', new InternalServerException({ message: 'oops', $metadata: {} })],
  ])('propagates %s with its name', async (name, error) => {
    comprehend.on(DetectSentimentCommand).rejects(error);
    await expect(new ComprehendSentimentAnalyzer(client).analyze('Estoy muy molesto, pésimo servicio')).rejects.toMatchObject({ name });
  });
});

describe('ScreenedSentimentAnalyzer', () => {
  const screened = () => new ScreenedSentimentAnalyzer(new OfflineSentimentAnalyzer(), new ComprehendSentimentAnalyzer(client));

  it('does not call Comprehend for a clearly neutral line', async () => {
    const analyzer = screened();
    const portuguese = await analyzer.analyze('Qual o prazo de entrega para São Paulo?');
    const spanish = await analyzer.analyze('¿Me pasás la cotización del modelo X?');
    expect(comprehend.calls()).toHaveLength(0);
    expect(portuguese).toMatchObject({ sentiment: 'NEUTRAL', analyzer: 'offline', languageCode: 'pt' });
    expect(spanish).toMatchObject({ sentiment: 'NEUTRAL', analyzer: 'offline', languageCode: 'es' });
  });

  it('asks Comprehend about a negative line and returns its answer', async () => {
    const result = await screened().analyze('Estoy muy molesto, el pedido llegó roto y nadie me responde. Es un pésimo servicio');
    expect(comprehend.commandCalls(DetectSentimentCommand)).toHaveLength(1);
    expect(comprehend.call(0).args[0].input).toEqual({
      Text: 'Estoy muy molesto, el pedido llegó roto y nadie me responde. Es un pésimo servicio',
      LanguageCode: 'es',
    });
    expect(result).toMatchObject({ sentiment: 'NEGATIVE', analyzer: 'comprehend', languageCode: 'es' });
  });

  it('asks Comprehend about a line the offline analyzer finds only mildly emotional', async () => {
    await screened().analyze('Que demora, já é a terceira vez que peço');
    expect(comprehend.calls()).toHaveLength(1);
  });

  it('returns a skipped line without calling Comprehend', async () => {
    expect(await screened().analyze('👍👍')).toEqual({ skipped: 'only emoji' });
    expect(comprehend.calls()).toHaveLength(0);
  });

  it('decides offline a complaint made of neutral words (the blind spot of the screen)', async () => {
    const result = await screened().analyze('Faz duas semanas que espero e ninguém me dá retorno');
    expect(result).toMatchObject({ sentiment: 'NEUTRAL', analyzer: 'offline' });
    expect(comprehend.calls()).toHaveLength(0);
  });

  it('spares Comprehend a purely positive line when the policies only look for NEGATIVE', async () => {
    const analyzer = screened();
    const positive = await analyzer.analyze('Perfeito, pode fechar o pedido.', ['NEGATIVE']);
    expect(positive).toMatchObject({ sentiment: 'POSITIVE', analyzer: 'offline' });
    expect(comprehend.calls()).toHaveLength(0);
    // Negative or mixed mass may be NEGATIVE for Comprehend: asked.
    await analyzer.analyze('Estoy muy molesto, el pedido llegó roto.', ['NEGATIVE']);
    await analyzer.analyze('Ótimo atendimento, mas o produto veio quebrado', ['NEGATIVE']);
    expect(comprehend.commandCalls(DetectSentimentCommand)).toHaveLength(2);
    // The same positive line is asked about when a policy looks for POSITIVE or MIXED.
    await analyzer.analyze('Perfeito, pode fechar o pedido.', ['POSITIVE']);
    await analyzer.analyze('Perfeito, pode fechar o pedido.', ['MIXED']);
    expect(comprehend.commandCalls(DetectSentimentCommand)).toHaveLength(4);
  });

  it('decides offline when no policy applies to the message (nothing wanted)', async () => {
    const result = await screened().analyze('Estoy muy molesto, el pedido llegó roto.', []);
    expect(result).toMatchObject({ sentiment: 'NEGATIVE', analyzer: 'offline' });
    expect(comprehend.calls()).toHaveLength(0);
  });

  it('takes another threshold: at 1 only the lines the offline analyzer finds fully neutral stay offline', async () => {
    const strict = new ScreenedSentimentAnalyzer(new OfflineSentimentAnalyzer(), new ComprehendSentimentAnalyzer(client), 1);
    await strict.analyze('Qual o prazo de entrega para São Paulo?');
    expect(comprehend.calls()).toHaveLength(0);
    await strict.analyze('Perfecto, quedo atento a la confirmación del pago');
    expect(comprehend.calls()).toHaveLength(1);
  });
});

describe('sentimentAnalyzerFor', () => {
  it('returns the process-wide offline analyzer without a client', () => {
    expect(sentimentAnalyzerFor('offline')).toBe(offlineSentimentAnalyzer());
  });

  it('builds the Comprehend and screened analyzers around the client', () => {
    expect(sentimentAnalyzerFor('comprehend', client)).toBeInstanceOf(ComprehendSentimentAnalyzer);
    expect(sentimentAnalyzerFor('screened', client)).toBeInstanceOf(ScreenedSentimentAnalyzer);
  });

  it('applies the config minimum of letters to every analyzer it builds', async () => {
    const text = 'Péssimo atendimento!'; // 18 letters
    expect(await sentimentAnalyzerFor('offline', undefined, { minLetters: 20 }).analyze(text)).toEqual({
      skipped: 'too short (18 letters, minimum 20)',
    });
    expect(await sentimentAnalyzerFor('comprehend', client, { minLetters: 20 }).analyze(text)).toEqual({
      skipped: 'too short (18 letters, minimum 20)',
    });
    expect(await sentimentAnalyzerFor('screened', client, { minLetters: 20 }).analyze(text)).toEqual({
      skipped: 'too short (18 letters, minimum 20)',
    });
    expect(comprehend.calls()).toHaveLength(0);
    expect(await sentimentAnalyzerFor('comprehend', client, { minLetters: 12 }).analyze(text)).toMatchObject({ analyzer: 'comprehend' });
  });

  it('refuses a Comprehend mode without a client', () => {
    expect(() => sentimentAnalyzerFor('comprehend')).toThrow("sentiment analyzer 'comprehend' needs a ComprehendClient");
    expect(() => sentimentAnalyzerFor('screened')).toThrow("sentiment analyzer 'screened' needs a ComprehendClient");
  });
});
