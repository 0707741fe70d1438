// dynalite and s3rver ship no type declarations; these cover what the local stack uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';
  export default function dynalite(options?: Record<string, unknown>): Server;
}

declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  import type { AddressInfo } from 'node:net';
  export default class S3rver extends EventEmitter {
    constructor(options?: Record<string, unknown>);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}

// nlp.js ships no type declarations; shared/compliance types the few members it uses.
declare module '@nlpjs/core';
declare module '@nlpjs/sentiment';
declare module '@nlpjs/language';
declare module '@nlpjs/lang-es';
declare module '@nlpjs/lang-pt';
declare module '@nlpjs/lang-en';
