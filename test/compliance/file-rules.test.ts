import { describe, expect, it } from 'vitest';
import type { FilePolicy } from '../../shared/config/vigia-config';
import { canonicalMime, checkFile, fileCheckSkipped } from '../../shared/compliance/file-rules';
import type { FileFacts } from '../../shared/compliance/model';

const rule = (fields: Partial<FilePolicy> = {}): FilePolicy => ({ id: 'no-spreadsheets', kind: 'file', severity: 'medium', direction: 'both', ...fields });
const sample = rule({ extensions: ['xlsx', 'xls', 'csv', 'zip'], mimeTypes: ['application/zip'], detectMismatch: true, maxBytes: 20_000_000 });
const stored = (facts: Partial<FileFacts>): FileFacts => ({ state: 'stored', ...facts });
const scope = { direction: 'outbound' } as const;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('checkFile', () => {
  it('flags a spreadsheet by its extension', () => {
    const facts = stored({ filename: 'Preços 2025.xlsx', extension: 'xlsx', declaredMime: XLSX, sniffedMime: XLSX, size: 18_000 });
    expect(checkFile([sample], facts, scope)).toEqual([{ policyId: 'no-spreadsheets', severity: 'medium', reasons: ['extension .xlsx is not allowed'] }]);
  });

  it('flags a ZIP named like a photo by its sniffed type and the mismatch', () => {
    const facts = stored({ filename: 'foto.jpg', extension: 'jpg', declaredMime: 'image/jpeg', sniffedMime: 'application/zip', size: 4_096 });
    expect(checkFile([sample], facts, scope)[0].reasons).toEqual(['sniffed type application/zip is not allowed', 'declared image/jpeg but the bytes are application/zip']);
  });

  it('flags a renamed file declared only as octet-stream by its name', () => {
    const facts = stored({ filename: 'foto.jpg', extension: 'jpg', declaredMime: 'application/octet-stream', sniffedMime: 'application/pdf' });
    expect(checkFile([rule({ detectMismatch: true })], facts, scope)[0].reasons).toEqual(['named .jpg but the bytes are application/pdf']);
  });

  it('does not treat equivalent MIME families as mismatches', () => {
    const policies = [rule({ detectMismatch: true })];
    const pairs: Array<[string, string, string]> = [
      ['photo.jpg', 'image/jpg', 'image/jpeg'],
      ['voice.ogg', 'audio/ogg; codecs=opus', 'audio/ogg'],
      ['voice.opus', 'audio/ogg; codecs=opus', 'audio/ogg; codecs=opus'],
      ['sheet.xlsx', XLSX, XLSX],
      ['sheet.xlsx', XLSX, 'application/zip'],
      ['old.xls', 'application/vnd.ms-excel', 'application/x-cfb'],
      ['voice.m4a', 'audio/mp4', 'video/mp4'],
      ['clip.3gp', 'video/3gpp', 'video/mp4'],
      ['archive.zip', 'application/x-zip-compressed', 'application/zip'],
      ['song.mp3', 'audio/mp3', 'audio/mpeg'],
    ];
    for (const [filename, declaredMime, sniffedMime] of pairs) {
      expect(checkFile(policies, stored({ filename, extension: filename.split('.').pop(), declaredMime, sniffedMime }), scope), `${declaredMime} vs ${sniffedMime}`).toEqual([]);
    }
  });

  it('gives no mismatch verdict when the bytes have no recognizable type', () => {
    expect(checkFile([rule({ detectMismatch: true })], stored({ filename: 'notes.txt', declaredMime: 'text/plain' }), scope)).toEqual([]);
    expect(checkFile([rule({ detectMismatch: true })], stored({ filename: 'foto.jpg', declaredMime: 'image/jpeg' }), scope)).toEqual([]);
  });

  it('flags files over the size limit', () => {
    const facts = stored({ filename: 'video.mp4', declaredMime: 'video/mp4', sniffedMime: 'video/mp4', size: 25_000_000 });
    expect(checkFile([sample], facts, scope)).toEqual([{ policyId: 'no-spreadsheets', severity: 'medium', reasons: ['size 25000000 B over 20000000 B'] }]);
    expect(checkFile([sample], { ...facts, size: 20_000_000 }, scope)).toEqual([]);
  });

  it('matches forbidden MIME types by their canonical form and wildcards, declared or sniffed', () => {
    const policies = [rule({ mimeTypes: ['application/zip', 'video/*'] })];
    expect(checkFile(policies, stored({ declaredMime: 'application/x-zip-compressed' }), scope)[0].reasons).toEqual(['declared type application/x-zip-compressed is not allowed']);
    expect(checkFile(policies, stored({ declaredMime: 'video/mp4', sniffedMime: 'video/mp4' }), scope)[0].reasons).toEqual(['sniffed type video/mp4 is not allowed']);
  });

  it('gives no hits for a file that is not stored', () => {
    for (const state of ['pending', 'failed', 'expired'] as const) {
      const facts: FileFacts = { state, filename: 'precos.xlsx', extension: 'xlsx', declaredMime: XLSX };
      expect(checkFile([sample], facts, scope)).toEqual([]);
      expect(fileCheckSkipped(facts)).toEqual(expect.any(String));
    }
    expect(fileCheckSkipped(stored({}))).toBeUndefined();
  });

  it('applies policies by team and direction', () => {
    const facts = stored({ filename: 'a.csv', extension: 'csv' });
    const policies = [rule({ id: 'ventas-out', extensions: ['csv'], teams: ['ventas'], direction: 'outbound' })];
    expect(checkFile(policies, facts, { direction: 'outbound', team: 'ventas' })).toHaveLength(1);
    expect(checkFile(policies, facts, { direction: 'inbound', team: 'ventas' })).toEqual([]);
    expect(checkFile(policies, facts, { direction: 'outbound', team: 'soporte' })).toEqual([]);
  });

  it('reads the extension from the filename when it is not given', () => {
    expect(checkFile([rule({ extensions: ['tar.gz', 'xls'] })], stored({ filename: 'backup.TAR.GZ' }), scope)[0].reasons).toEqual(['extension .tar.gz is not allowed']);
    expect(checkFile([rule({ extensions: ['xls'] })], stored({ filename: 'Custos.XLS' }), scope)[0].reasons).toEqual(['extension .xls is not allowed']);
  });
});

describe('canonicalMime', () => {
  it('drops parameters, lowercases and resolves aliases', () => {
    expect(canonicalMime('Audio/OGG; codecs=opus')).toBe('audio/ogg');
    expect(canonicalMime('image/jpg')).toBe('image/jpeg');
  });
});
