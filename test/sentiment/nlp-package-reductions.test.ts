import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { chatCorpus } from '../../bench/rules';
import { latinModels, NLP_PACKAGE_REDUCTIONS, reducedPackageEntry, usedSenticon } from '../../infra/bundling/nlp-package-reductions';
import { languageEvidence } from '../../shared/compliance/language';
import { normalizeWebhook } from '../../shared/capture/whatsapp/normalize';
import { fixtureFiles, readFixture } from '../helpers/paths';

interface Guesser {
  guess(text: string, allowList?: string[], limit?: number): Array<{ alpha2: string; alpha3: string; score: number }>;
}
type GuesserModule = { Language: new () => Guesser };

const require = createRequire(import.meta.url);

/** The text of every message in the public webhook fixtures, as the normalizer reads it. */
function fixtureTexts(): string[] {
  return fixtureFiles()
    .flatMap((name) => normalizeWebhook(JSON.parse(readFixture(name).toString('utf8'))).records)
    .flatMap((record) => (record.kind === 'message' && record.text ? [record.text] : []));
}

const LINES = [
  ...chatCorpus(400),
  ...fixtureTexts(),
  'Buenas tardes, te mando la factura mañana',
  'Estoy muy molesto, el pedido llegó roto y nadie me responde. Es un pésimo servicio',
  'Thanks a lot, great service!',
  'I am very upset, the order arrived broken and nobody answers',
  'This is the worst support ever, absolutely horrible and useless',
  // Words only nlp.js's SentiCon scores (not Vigia's own lexicon).
  'The staff was wonderful and extremely helpful, a delightful experience',
  'What a disgusting, pathetic and dishonest company, I feel cheated',
  'The delivery was fine but the box was a bit dirty',
  'Adorei, chegou super rápido, parabéns',
  'Estou muito insatisfeito, péssimo atendimento, ninguém resolve nada',
  'Bonjour, je voudrais savoir si vous avez reçu ma commande',
  'Guten Tag, ich habe eine Frage zu meiner Rechnung',
  "Bon dia, voldria saber el preu de l'enviament",
];

describe('nlp.js packages as the Lambda bundles carry them (infra/bundling/nlp-package-reductions.ts)', () => {
  it('guess languages as the whole package does on every line the detector asks about: same scores among es/pt/en, same ranking of all', () => {
    const full = new (require('@nlpjs/language') as GuesserModule).Language();
    const reduced = new (require(reducedPackageEntry('@nlpjs/language')) as GuesserModule).Language();
    // The detector only asks about lines of Latin letters (shared/compliance/language.ts).
    const asked = LINES.filter((line) => !['not-latin', 'too-short'].includes(languageEvidence(line).reason ?? ''));
    expect(asked.length).toBeGreaterThan(300);
    expect(fixtureTexts().length).toBeGreaterThan(10);
    for (const line of asked) {
      expect(reduced.guess(line, ['es', 'pt', 'en']), line).toEqual(full.guess(line, ['es', 'pt', 'en']));
      // Unrestricted scores are relative to the nearest model of all, which may be one the reduced
      // package lacks; the detector uses only the best language (languageEvidence().unrestricted).
      const ranking = (guesser: Guesser) => guesser.guess(line).map(({ alpha3 }) => alpha3);
      expect(ranking(reduced), line).toEqual(ranking(full));
    }
  });

  it('give the offline sentiment analyzer the same results as the whole packages', async () => {
    const analyzeAll = async () => {
      const { OfflineSentimentAnalyzer } = await import('../../shared/compliance/sentiment');
      const analyzer = new OfflineSentimentAnalyzer();
      return Promise.all(LINES.map((line) => analyzer.analyze(line)));
    };
    const withFullPackages = await analyzeAll();
    vi.resetModules();
    for (const name of Object.keys(NLP_PACKAGE_REDUCTIONS)) {
      vi.doMock(name, () => {
        const reduced = require(reducedPackageEntry(name)) as object;
        return { ...reduced, default: reduced };
      });
    }
    try {
      const withReducedPackages = await analyzeAll();
      expect(withReducedPackages).toEqual(withFullPackages);
      // The corpus exercises the three lexicons.
      const decided = withFullPackages.filter((result) => 'sentiment' in result);
      for (const language of ['es', 'pt', 'en']) {
        expect(decided.filter((result) => result.languageCode === language && result.sentiment !== 'NEUTRAL').length, language).toBeGreaterThan(0);
      }
    } finally {
      for (const name of Object.keys(NLP_PACKAGE_REDUCTIONS)) vi.doUnmock(name);
      vi.resetModules();
    }
  });

  it('are smaller: the named Latin models, the SentiCon entries the analyzer reads, no Spanish SentiCon', () => {
    const size = (file: string) => readFileSync(file).length;
    const reducedFile = (name: string, file: string) => reducedPackageEntry(name).replace(/src[/\\]index\.js$/, file);
    const fullFile = (name: string, file: string) => require.resolve(`${name}/${file}`);
    expect(size(reducedFile('@nlpjs/language', 'src/data.json'))).toBeLessThan(size(fullFile('@nlpjs/language', 'src/data.json')) / 2);
    expect(size(reducedFile('@nlpjs/lang-en', 'src/sentiment/senticon_en.json'))).toBeLessThan(size(fullFile('@nlpjs/lang-en', 'src/sentiment/senticon_en.json')) / 3);
    expect(JSON.parse(readFileSync(reducedFile('@nlpjs/lang-es', 'src/sentiment/senticon_es.json'), 'utf8'))).toEqual({});
  });

  it('fail loudly if nlp.js changes its layout, and keep only what the analyzer reads', () => {
    const languages: Array<[string, string, string]> = [['pt', 'por', 'Portuguese'], ['es', 'spa', 'Spanish'], ['ru', 'rus', 'Russian']];
    expect(latinModels({ Latin: { por: 'abc', spa: 'def', xyz: 'ghi' }, Cyrillic: { rus: 'жзи' } }, languages)).toEqual({ Latin: { por: 'abc', spa: 'def' } });
    expect(() => latinModels({ Cyrillic: { rus: 'жзи' } }, languages)).toThrow(/no Latin model of a named language/);
    expect(usedSenticon({ great: 0.875, fine: 0.25, awful: -0.5, meh: -0.125 })).toEqual({ great: 0.875, awful: -0.5 });
    expect(() => reducedPackageEntry('left-pad')).toThrow(/no bundling reduction for the package "left-pad"/);
  });
});
