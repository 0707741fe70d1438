import { performance } from 'node:perf_hooks';
import { DETECTOR_NAMES, findPii } from './index';

/**
 * Speeds in CPU time of this process (user + system), which a shared machine's other work does not
 * inflate, and, for comparison, in elapsed time.
 */
export interface DetectorMeasurement {
  /** UTF-8 megabytes (10^6 bytes) of chat messages per CPU second, all detectors, one message per call. */
  megabytesPerSecond: number;
  wallMegabytesPerSecond: number;
  /** The same corpus in a single call (one long text). */
  wholeTextMegabytesPerSecond: number;
  /** 95th percentile of the CPU time of one call on a message of just under 4 KB. */
  p95Microseconds4KB: number;
  p95WallMicroseconds4KB: number;
  corpusBytes: number;
  messages: number;
  findings: number;
}

const PHRASES = [
  'oi, tudo bem? consegue me mandar o relatório até as 15h',
  'bom dia! a reunião foi remarcada para 03/12 às 10:30',
  'o pedido #48213 saiu hoje, previsão de entrega em 5 dias úteis',
  'valor total R$ 1.234,56 com desconto de 10%',
  'hola, ¿me confirmas la cotización de 2.500 unidades?',
  'el envío llega el 12/01, te aviso cuando salga del almacén',
  'perfeito, obrigado pela ajuda 👍',
  'vamos fechar o contrato amanhã, o cliente aprovou a proposta',
  'la factura 2026-0042 vence el viernes, por favor revisar',
  'segue o link https://example.com/pedidos/20261203 para acompanhar',
  'me liga quando puder, estou no escritório até 18h',
  'gracias! nos vemos el lunes a las 9',
  'o estoque tem 350 caixas e 12 paletes no galpão 2',
  'registro 2026-12-03T10:45:12Z sincronizado',
];

/** Public test values (documentation examples and issuer test cards), one of each detector. */
const IDENTIFIERS = [
  'meu cpf é 123.456.789-09',
  'cnpj 11.222.333/0001-81',
  'cartão 4111 1111 1111 1111',
  'IBAN DE89 3704 0044 0532 0130 00',
  'CUIT 20-12345678-6',
  'RUT 12.345.678-5',
  'CURP HEGG560427MVZRRL04',
  'RFC GODE561231GR8',
  'DNI 12345678Z',
  'NIT 800.197.268-4',
  'chave pix 123e4567-e89b-42d3-a456-426614174000',
  'escreve para maria.silva@example.com',
  'meu celular é (11) 91234-5678',
];

/** A deterministic generator, so every run measures the same text. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Chat messages of one to six phrases; one message in fifty carries an identifier. */
function chatMessages(totalBytes: number, random: () => number): string[] {
  const messages: string[] = [];
  let bytes = 0;
  while (bytes < totalBytes) {
    const parts: string[] = [];
    const phrases = 1 + Math.floor(random() * 6);
    for (let index = 0; index < phrases; index++) parts.push(PHRASES[Math.floor(random() * PHRASES.length)]);
    if (random() < 0.02) parts.splice(Math.floor(random() * parts.length), 0, IDENTIFIERS[Math.floor(random() * IDENTIFIERS.length)]);
    const message = parts.join('. ');
    messages.push(message);
    bytes += Buffer.byteLength(message);
  }
  return messages;
}

function messageOf4KB(random: () => number): string {
  let message = '';
  while (Buffer.byteLength(message) < 4000) {
    const identifier = random() < 0.1 ? `${IDENTIFIERS[Math.floor(random() * IDENTIFIERS.length)]}. ` : '';
    message += `${identifier}${PHRASES[Math.floor(random() * PHRASES.length)]}. `;
  }
  return message.slice(0, 3990);
}

/**
 * The detectors' speed on about 5 MB of Portuguese and Spanish chat text with a few identifiers,
 * and the latency they add to one message under 4 KB. Runs for a few seconds on one core.
 */
export function measureDetectors(corpusBytes = 5_000_000): DetectorMeasurement {
  const random = seededRandom(17);
  const messages = chatMessages(corpusBytes, random);
  const bytes = messages.reduce((total, message) => total + Buffer.byteLength(message), 0);
  for (const message of messages.slice(0, 2000)) findPii(message, DETECTOR_NAMES);

  let findings = 0;
  const perMessage = timed(() => {
    for (const message of messages) findings += findPii(message, DETECTOR_NAMES).length;
  });
  const wholeText = messages.join('\n');
  const whole = timed(() => findPii(wholeText, DETECTOR_NAMES));

  const large = Array.from({ length: 2000 }, () => messageOf4KB(random));
  for (const message of large.slice(0, 200)) findPii(message, DETECTOR_NAMES);
  const calls = large.map((message) => timed(() => findPii(message, DETECTOR_NAMES)));
  const p95 = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length * 0.95)];

  return {
    megabytesPerSecond: bytes / perMessage.cpuMicroseconds,
    wallMegabytesPerSecond: bytes / perMessage.wallMicroseconds,
    wholeTextMegabytesPerSecond: Buffer.byteLength(wholeText) / whole.cpuMicroseconds,
    p95Microseconds4KB: p95(calls.map((call) => call.cpuMicroseconds)),
    p95WallMicroseconds4KB: p95(calls.map((call) => call.wallMicroseconds)),
    corpusBytes: bytes,
    messages: messages.length,
    findings,
  };
}

/** Bytes per microsecond are megabytes per second. */
function timed(run: () => unknown): { cpuMicroseconds: number; wallMicroseconds: number } {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  run();
  const cpu = process.cpuUsage(cpuStart);
  return { cpuMicroseconds: cpu.user + cpu.system, wallMicroseconds: (performance.now() - wallStart) * 1000 };
}
