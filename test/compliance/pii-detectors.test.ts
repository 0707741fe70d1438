import { describe, expect, it } from 'vitest';
import { DETECTOR_NAMES, findPii, fingerprint, maskPii, type PiiDetectorName } from '../../shared/compliance/policies/pii/detectors';
import { messageRow } from '../../shared/analytics/rows';
import { piiDetectorsOf } from '../../shared/compliance/policies/pii/redaction';
import { parseVigiaConfig } from '../../shared/config/vigia-config';

/*
 * Valid numbers are made here with each algorithm written again (independently of the detectors),
 * or are published documentation examples and issuer test cards: none is a real person's.
 */

const digitSum = (digits: string, weight: (index: number) => number) => [...digits].reduce((sum, digit, index) => sum + Number(digit) * weight(index), 0);

function cpfOf(nineDigits: string): string {
  const check = (base: string) => ((digitSum(base, (index) => base.length + 1 - index) * 10) % 11) % 10;
  const first = check(nineDigits);
  return `${nineDigits}${first}${check(nineDigits + first)}`;
}

function cnpjOf(twelve: string): string {
  const check = (base: string) => {
    const weights = base.length === 12 ? [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] : [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    const remainder = [...base].reduce((sum, character, index) => sum + (character.charCodeAt(0) - 48) * weights[index], 0) % 11;
    return remainder < 2 ? 0 : 11 - remainder;
  };
  const first = check(twelve);
  return `${twelve}${first}${check(twelve + first)}`;
}

function withLuhn(withoutCheck: string): string {
  for (let check = 0; check < 10; check++) {
    const digits = `${withoutCheck}${check}`;
    const sum = [...digits].reverse().reduce((total, digit, index) => total + (index % 2 ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][Number(digit)] : Number(digit)), 0);
    if (sum % 10 === 0) return digits;
  }
  throw new Error('unreachable');
}

function ibanOf(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`].map((character) => (/\d/.test(character) ? character : String(character.charCodeAt(0) - 55))).join('');
  const remainder = [...numeric].reduce((total, digit) => (total * 10 + Number(digit)) % 97, 0);
  return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`;
}

const groupsOf4 = (value: string) => value.replace(/(.{4})(?=.)/g, '$1 ');

function cuitOf(tenDigits: string): string | undefined {
  const check = 11 - (digitSum(tenDigits, (index) => [5, 4, 3, 2, 7, 6, 5, 4, 3, 2][index]) % 11);
  return check === 10 ? undefined : `${tenDigits}${check === 11 ? 0 : check}`;
}

function rutOf(body: string): string {
  const sum = digitSum([...body].reverse().join(''), (index) => 2 + (index % 6));
  const check = 11 - (sum % 11);
  return `${body}-${check === 11 ? '0' : check === 10 ? 'K' : check}`;
}

function nitOf(nineDigits: string): string {
  const weights = [3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71];
  const remainder = digitSum([...nineDigits].reverse().join(''), (index) => weights[index]) % 11;
  return `${nineDigits}-${remainder < 2 ? remainder : 11 - remainder}`;
}

const dniLetter = (number: string) => 'TRWAGMYFPDXBNJZSQVHLCKE'[Number(number) % 23];

function curpOf(seventeen: string): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ';
  const sum = [...seventeen].reduce((total, character, index) => total + alphabet.indexOf(character) * (18 - index), 0);
  return `${seventeen}${(10 - (sum % 10)) % 10}`;
}

function rfcOf(withoutCheck: string): string {
  const alphabet = '0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ';
  const padded = withoutCheck.length === 11 ? ` ${withoutCheck}` : withoutCheck;
  const check = 11 - ([...padded].reduce((total, character, index) => total + alphabet.indexOf(character) * (13 - index), 0) % 11);
  return `${withoutCheck}${check === 11 ? '0' : check === 10 ? 'A' : check}`;
}

const formatCpf = (digits: string) => `${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6, 9)}-${digits.slice(9)}`;
const formatCnpj = (value: string) => `${value.slice(0, 2)}.${value.slice(2, 5)}.${value.slice(5, 8)}/${value.slice(8, 12)}-${value.slice(12)}`;

/** Another digit (or letter) in place of the last character: a wrong check digit. */
function wrongCheck(value: string): string {
  const last = value.slice(-1);
  const replacement = /\d/.test(last) ? String((Number(last) + 1) % 10) : last === 'K' ? '0' : last === 'Z' ? 'A' : String.fromCharCode(last.charCodeAt(0) + 1);
  return `${value.slice(0, -1)}${replacement}`;
}

/** The single finding in `text` (all detectors), as detector, matched text and masked value. */
function only(text: string) {
  const findings = findPii(text, DETECTOR_NAMES);
  return findings.map((finding) => ({ detector: finding.detector, text: text.slice(finding.start, finding.end), masked: finding.masked }));
}

const CPF = cpfOf('529982247');
const CNPJ = cnpjOf('112223330001');
const CNPJ_ALPHANUMERIC = cnpjOf('12ABC34501DE');
const CUIT = cuitOf('2012345678')!;
const RUT = rutOf('12345678');
const NIT = nitOf('800197268');

interface DetectorCases {
  /** Values in the forms the detector accepts; `masked` of the first. */
  valid: string[];
  masked: string;
  /** Characters the masked value must not show (the hidden part of `valid[0]`). */
  invalid: string[];
  embedded: string[];
}

const CASES: Record<PiiDetectorName, DetectorCases> = {
  cpf: {
    valid: [formatCpf(CPF), CPF, `${CPF.slice(0, 9)}-${CPF.slice(9)}`],
    masked: '***.982.247-**',
    invalid: [formatCpf(wrongCheck(CPF)), wrongCheck(CPF), '111.111.111-11', '00000000000'],
    embedded: [`9${CPF}`, `${CPF}1`, `${formatCpf(CPF)}1`, `1.${formatCpf(CPF)}`, `#${CPF}`, `SKU-${CPF}`],
  },
  cnpj: {
    valid: [formatCnpj(CNPJ), CNPJ, formatCnpj(CNPJ_ALPHANUMERIC), CNPJ_ALPHANUMERIC],
    masked: '11.***.***/****-81',
    invalid: [formatCnpj(wrongCheck(CNPJ)), wrongCheck(CNPJ), wrongCheck(CNPJ_ALPHANUMERIC), '00.000.000/0000-00', formatCnpj(CNPJ_ALPHANUMERIC).toLowerCase()],
    embedded: [`1${CNPJ}`, `${CNPJ}0`, `X${CNPJ_ALPHANUMERIC}`, `${formatCnpj(CNPJ)}/1`],
  },
  card: {
    valid: ['4111 1111 1111 1111', '4111111111111111', '4111-1111-1111-1111', '5555555555554444', '2223003122003222', '3782 822463 10005', '3056 930902 5904', '6011111111111117', '3566002020360505', '6362970000457013', '6062825624254001', '6200000000000005', withLuhn('401288888888188')],
    masked: '**** **** **** 1111',
    invalid: ['4111 1111 1111 1112', '4111111111111112', withLuhn('999999999999999'), withLuhn('111111111111111'), '0000 0000 0000 0000'],
    embedded: ['14111111111111111', '41111111111111110', '4111 1111 1111 11110', 'pedido 1-4111111111111111'],
  },
  iban: {
    valid: ['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000', 'GB82 WEST 1234 5698 7654 32', groupsOf4(ibanOf('ES', '21000418450200051332')), ibanOf('BR', '00360305000010009795493C1'), ibanOf('PT', '000201231234567890154')],
    masked: 'DE** **** **** **** **30 00',
    invalid: ['DE89 3704 0044 0532 0130 01', 'DE88370400440532013000', 'DE89 3704 0044 0532 0130 0', 'XX89370400440532013000'],
    embedded: ['XDE89370400440532013000', 'DE893704004405320130001', 'DE89 3704 0044 0532 0130 00/1'],
  },
  cuit: {
    valid: [`${CUIT.slice(0, 2)}-${CUIT.slice(2, 10)}-${CUIT.slice(10)}`, CUIT, cuitOf('3071234567')!],
    masked: '20-*****678-*',
    invalid: [`20-12345678-${(Number(CUIT[10]) + 1) % 10}`, '21-12345678-6', `20-1234567-86`],
    embedded: [`1${CUIT}`, `${CUIT}1`, `20-12345678-61`],
  },
  rut: {
    valid: ['12.345.678-5', RUT, '1.234.567-4', rutOf('10000013'), rutOf('10000013').replace('K', 'k')],
    masked: '**.***.678-*',
    invalid: ['12.345.678-6', '12345678-K', '123456785'],
    embedded: ['112.345.678-5', '12.345.678-51', '12345678-5-1'],
  },
  curp: {
    valid: ['HEGG560427MVZRRL04', 'hegg560427mvzrrl04', curpOf('GOMA050101HDFRRNA'), curpOf('LOPX991231XNEPRZ0')],
    masked: '***************L04',
    invalid: ['HEGG560427MVZRRL05', 'HEGG561327MVZRRL04', 'HEGG560427MQQRRL04', curpOf('HEGG560230MVZRRL0')],
    embedded: ['XHEGG560427MVZRRL04', 'HEGG560427MVZRRL041'],
  },
  rfc: {
    valid: ['GODE561231GR8', 'GODE-561231-GR8', 'GODE 561231 GR8', 'gode561231gr8', rfcOf('ABC680524P7'), rfcOf('MAÑA000229AB')],
    masked: '**********GR8',
    invalid: ['GODE561231GR9', 'GODE561331GR8', 'XAXX010101000', rfcOf('ABC680532P7')],
    embedded: ['XGODE561231GR8', 'GODE561231GR81', 'GODE561231GR8-1'],
  },
  dni: {
    valid: [`12345678${dniLetter('12345678')}`, `12345678-${dniLetter('12345678')}`, `X1234567${dniLetter('01234567')}`, `Y7654321${dniLetter('17654321')}`, '12345678z'],
    masked: '***4567**',
    invalid: ['12345678A', 'X1234567A', 'W1234567L'],
    embedded: ['112345678Z', '12345678Z1', 'A12345678Z'],
  },
  nit: {
    valid: ['800.197.268-4', NIT, `${nitOf('900123456')}`],
    masked: '***.***.268-*',
    invalid: ['800.197.268-5', '800197268-3', '8001972684'],
    embedded: ['1800.197.268-4', '800.197.268-41', '800197268-4.5'],
  },
  pix: {
    valid: ['123e4567-e89b-42d3-a456-426614174000', '123E4567-E89B-42D3-A456-426614174000'],
    masked: '********-****-****-****-********4000',
    invalid: ['123e4567-e89b-12d3-a456-426614174000', '123e4567-e89b-42d3-c456-426614174000', '123e4567-e89b-42d3-a456-42661417400'],
    embedded: ['x123e4567-e89b-42d3-a456-426614174000', '123e4567-e89b-42d3-a456-4266141740001', 'https://example.com/pix/123e4567-e89b-42d3-a456-426614174000'],
  },
  email: {
    valid: ['maria.silva@example.com', 'j.o+vendas@sub.example.com.br', 'ana_1@exemplo.es', 'joão@exemplo.com.br'],
    masked: 'm***@example.com',
    invalid: ['maria@localhost', 'maria..silva@example.com', 'maria@example', 'maria@-example.com', '@example.com'],
    embedded: ['@maria.silva', 'maria@@example.com'],
  },
  phone: {
    valid: ['+55 11 91234-5678', '+5511912345678', '+55 (11) 91234-5678', '(11) 91234-5678', '(11)91234-5678', '11 9 1234-5678', '11 3456-7890', '+34 612 34 56 78', '612 345 678', '+54 9 11 1234-5678', '+57 300 123 4567', '300 123 4567', '9 1234 5678', '+1 (415) 555-0100'],
    masked: '+*********5678',
    invalid: ['+55 11 1234-5678', '+55 10 91234-5678', '(11) 1234-567', '91234-5678', '+55 11 91234-56789'],
    embedded: ['1(11) 91234-5678', '11 91234-56781', '@5511912345678', 'wa.me/5511912345678'],
  },
};

describe.each(DETECTOR_NAMES)('%s', (detector) => {
  const cases = CASES[detector];

  it('finds valid values, formatted and unformatted, alone and inside a sentence', () => {
    for (const value of cases.valid) {
      expect(only(value), value).toEqual([expect.objectContaining({ detector, text: value })]);
      const sentence = `segue o dado: ${value}. Obrigado!`;
      expect(only(sentence), sentence).toEqual([expect.objectContaining({ detector, text: value })]);
      expect(findPii(`(${value})`, [detector]).length, `(${value})`).toBe(1);
    }
  });

  it('masks the value to a few recognisable characters', () => {
    const [finding] = findPii(cases.valid[0], [detector]);
    expect(finding.masked).toBe(cases.masked);
    expect(finding.masked).not.toContain(finding.normalized);
  });

  it('rejects a wrong check digit or structure', () => {
    for (const value of cases.invalid) expect(findPii(`valor ${value} ok`, [detector]), value).toEqual([]);
  });

  it('rejects values that are part of a longer token', () => {
    for (const text of cases.embedded) expect(findPii(`ver ${text} ok`, [detector]), text).toEqual([]);
  });
});

describe('normalized values', () => {
  it('are one canonical form for every way of writing a value', () => {
    const normalized = (text: string) => findPii(text, DETECTOR_NAMES).map((finding) => finding.normalized);
    expect(normalized(`${formatCpf(CPF)} ${CPF}`)).toEqual([CPF, CPF]);
    expect(normalized(`${formatCnpj(CNPJ_ALPHANUMERIC)} ${CNPJ_ALPHANUMERIC}`)).toEqual([CNPJ_ALPHANUMERIC, CNPJ_ALPHANUMERIC]);
    expect(normalized('4111-1111-1111-1111 4111 1111 1111 1111')).toEqual(['4111111111111111', '4111111111111111']);
    expect(normalized('DE89 3704 0044 0532 0130 00')).toEqual(['DE89370400440532013000']);
    expect(normalized('12.345.678-5 GODE-561231-GR8 x1234567l 123E4567-E89B-42D3-A456-426614174000 Maria@Example.COM')).toEqual([
      '123456785',
      'GODE561231GR8',
      'X1234567L',
      '123e4567-e89b-42d3-a456-426614174000',
      'maria@example.com',
    ]);
    expect(normalized('+55 (11) 91234-5678 e (11) 91234-5678')).toEqual(['+5511912345678', '11912345678']);
  });
});

describe('masking', () => {
  it('keeps at most the characters a person needs to recognise the value', () => {
    const masked = (text: string) => findPii(text, DETECTOR_NAMES).map((finding) => finding.masked);
    expect(masked(`${CNPJ_ALPHANUMERIC} ${CUIT} ${RUT} X1234567L ${NIT}`)).toEqual(['12.***.***/****-35', '20-*****678-*', '**.***.678-*', '****4567*', '***.***.268-*']);
    expect(masked('(11) 91234-5678 ana@example.com 3782 822463 10005')).toEqual(['*******5678', 'a***@example.com', '**** **** **** 0005']);
    expect(masked('GODE561231GR8 ABC680524P7'.replace('ABC680524P7', rfcOf('ABC680524P7')))).toEqual(['**********GR8', `*********${rfcOf('ABC680524P7').slice(-3)}`]);
  });

  it('never shows the hidden digits', () => {
    const cpf = cpfOf('987654321');
    const [finding] = findPii(cpf, ['cpf']);
    expect(finding.masked).toBe('***.654.321-**');
    expect(finding.masked.replace(/\D/g, '')).toBe('654321');
    const [card] = findPii('5555 5555 5555 4444', ['card']);
    expect(card.masked.replace(/\D/g, '')).toBe('4444');
    const [iban] = findPii('GB82 WEST 1234 5698 7654 32', ['iban']);
    expect(iban.masked.replace(/[^A-Z0-9]/g, '')).toBe('GB5432');
    for (const text of ['+5511912345678', '612 345 678']) {
      const [phone] = findPii(text, ['phone']);
      expect(phone.masked.replace(/\D/g, '')).toBe(text.replace(/\D/g, '').slice(-4));
    }
  });
});

describe('maskPii (the analytics export of message text)', () => {
  it('replaces each identifier of the detectors asked for, and leaves the rest of the text', () => {
    expect(maskPii('CPF 529.982.247-25, cartão 4111 1111 1111 1111.', ['cpf', 'card'])).toBe('CPF ***.982.247-**, cartão **** **** **** 1111.');
    expect(maskPii('CPF 529.982.247-25', ['card'])).toBe('CPF 529.982.247-25');
    expect(maskPii('CPF 529.982.247-26', ['cpf'])).toBe('CPF 529.982.247-26');
    expect(maskPii('nada aqui', [])).toBe('nada aqui');
  });

  it('masks the exported text with the detectors of the config’s pii policies', () => {
    const config = parseVigiaConfig(
      `lines: []\nteams: []\npolicies:\n  - { id: ids, kind: pii, severity: high, detectors: [cpf] }\n  - { id: cards, kind: pii, severity: high, detectors: [card, cpf] }\nanalytics: { includeText: true }\n`,
      'test.yaml',
    );
    const item = { id: 'wamid.1', lineId: 'L', text: 'Segue: 52998224725 e 4111111111111111, e-mail ana@example.com' };
    const row = messageRow(item, { config, includeText: true, maskDetectors: piiDetectorsOf(config.policies) });
    expect(row.text).toBe('Segue: ***.982.247-** e **** **** **** 1111, e-mail ana@example.com');
    expect(row.text_length).toBe([...item.text].length);
  });
});

describe('false-positive traps', () => {
  it('ignores order numbers, amounts, timestamps, dates and paths', () => {
    const timestampThatIsACnpj = cnpjOf('202612031045');
    expect(timestampThatIsACnpj).toBe('20261203104513');
    const texts = [
      `pedido #${CPF}`,
      `pedido nº #${CNPJ}`,
      'total R$ 1.234.567,89 à vista',
      `total R$ ${CPF.slice(0, 3)}.${CPF.slice(3, 6)}.${CPF.slice(6, 9)},${CPF.slice(9)}`,
      `R$ ${CPF},00`,
      `registro ${timestampThatIsACnpj} processado`,
      'enviado 2026-12-03T10:45:12Z e 20261203104512',
      'epoch 1764758712000 e 1764758712',
      'nos vemos 03/12/2026 às 10:45:12',
      `https://example.com/pedidos/${CPF}`,
      `https://example.com/${CNPJ}/nota`,
      `versão ${CPF}.1`,
      `SKU-${CPF}`,
      'o protocolo 12345678901234567890 foi aberto',
      'ligue 0800 123 4567',
    ];
    for (const text of texts) expect(only(text), text).toEqual([]);
  });

  it('checks values in a link query, where they are still personal data', () => {
    expect(only(`https://example.com/consulta?cpf=${CPF}`)).toEqual([expect.objectContaining({ detector: 'cpf', text: CPF })]);
  });
});

describe('precedence between detectors', () => {
  // 11 digits that are both a valid CPF and a Brazilian mobile number (DDD 11, 9 digits from 9).
  const mobileCpf = cpfOf('119876543');

  it('judges 11 bare digits as a CPF when the check digits are valid, and never as a phone', () => {
    expect(only(`numero ${mobileCpf}`)).toEqual([expect.objectContaining({ detector: 'cpf', text: mobileCpf })]);
    const notCpf = wrongCheck(mobileCpf);
    expect(only(`numero ${notCpf}`)).toEqual([]);
  });

  it('judges phone formatting as a phone, even when the digits are a valid CPF', () => {
    const formatted = `(${mobileCpf.slice(0, 2)}) ${mobileCpf.slice(2, 7)}-${mobileCpf.slice(7)}`;
    const international = `+55 ${mobileCpf}`;
    expect(only(formatted)).toEqual([expect.objectContaining({ detector: 'phone', text: formatted })]);
    expect(only(international)).toEqual([expect.objectContaining({ detector: 'phone', text: international })]);
  });

  it('judges every span with every detector, whichever ones are asked for', () => {
    expect(findPii(`+55 ${mobileCpf}`, ['cpf'])).toEqual([]);
    expect(findPii(`+55 ${mobileCpf}`, ['phone', 'cpf'])).toHaveLength(1);
  });

  it('reports a CNPJ that also passes as a card once, as a CNPJ', () => {
    let both: string | undefined;
    for (let base = 360000000000; !both; base++) {
      const candidate = cnpjOf(String(base));
      if (withLuhn(candidate.slice(0, 13)) === candidate) both = candidate;
    }
    expect(only(both)).toEqual([expect.objectContaining({ detector: 'cnpj', text: both })]);
    expect(findPii(both, ['card'])).toEqual([]);
  });

  it('prefers a CPF to a CUIT for 11 bare digits valid as both', () => {
    let both: string | undefined;
    for (let base = 201234567; !both; base++) {
      const candidate = cpfOf(String(base));
      if (cuitOf(candidate.slice(0, 10)) === candidate) both = candidate;
    }
    expect(only(both)).toEqual([expect.objectContaining({ detector: 'cpf' })]);
    expect(only(`${both.slice(0, 2)}-${both.slice(2, 10)}-${both.slice(10)}`)).toEqual([expect.objectContaining({ detector: 'cuit' })]);
  });

  it('reports a number inside an e-mail address as the address', () => {
    expect(only(`${CPF}@example.com`)).toEqual([expect.objectContaining({ detector: 'email' })]);
  });

  it('takes a card or phone out of a longer run of groups', () => {
    expect(only('cartão 4111 1111 1111 1111 12/28')).toEqual([expect.objectContaining({ detector: 'card', text: '4111 1111 1111 1111' })]);
    expect(only('tel +55 11 91234-5678 12 vezes')).toEqual([expect.objectContaining({ detector: 'phone', text: '+55 11 91234-5678' })]);
  });

  it('finds several identifiers in one message, in text order', () => {
    const text = `Oi! CPF ${formatCpf(CPF)}, cartão 5555 5555 5555 4444, e-mail ana@example.com, tel (11) 3456-7890 e IBAN ES91 2100 0418 4502 0005 1332.`;
    expect(findPii(text, DETECTOR_NAMES).map((finding) => finding.detector)).toEqual(['cpf', 'card', 'email', 'phone', 'iban']);
    expect(findPii(text, ['card', 'email']).map((finding) => finding.detector)).toEqual(['card', 'email']);
    expect(findPii(text, [])).toEqual([]);
  });
});

describe('fingerprint', () => {
  const [formatted, bare] = findPii(`${formatCpf(CPF)} e ${CPF}`, ['cpf']);

  it('is stable for a key and the same for every way of writing the value', () => {
    expect(fingerprint(formatted, 'secret-a')).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint(formatted, 'secret-a')).toBe(fingerprint(bare, 'secret-a'));
    expect(fingerprint(formatted, new TextEncoder().encode('secret-a'))).toBe(fingerprint(formatted, 'secret-a'));
  });

  it('differs across keys, values and detectors', () => {
    expect(fingerprint(formatted, 'secret-a')).not.toBe(fingerprint(formatted, 'secret-b'));
    expect(fingerprint(formatted, 'secret-a')).not.toBe(fingerprint({ detector: 'cpf', normalized: cpfOf('987654321') }, 'secret-a'));
    expect(fingerprint(formatted, 'secret-a')).not.toBe(fingerprint({ detector: 'phone', normalized: formatted.normalized }, 'secret-a'));
  });

  it('does not contain the value', () => {
    expect(fingerprint(formatted, 'secret-a')).not.toContain(CPF.slice(0, 6));
  });
});

describe('long and adversarial input', () => {
  it('handles long runs without backtracking blow-ups', () => {
    const texts = ['1'.repeat(100_000), '1 '.repeat(50_000), 'a'.repeat(100_000) + '@'.repeat(1000), `${'a.'.repeat(50_000)}@${'b-'.repeat(50_000)}`, '+1'.repeat(30_000), 'ABCD'.repeat(25_000)];
    for (const text of texts) expect(Array.isArray(findPii(text, DETECTOR_NAMES))).toBe(true);
  });
});
