import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

export function json(statusCode: number, payload: unknown): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) };
}

/** Error answers always say why: `{ "error": "<code>", "message": "<human sentence>" }`. */
export function problem(statusCode: number, error: string, message: string): HttpResult {
  return json(statusCode, { error, message });
}

export function text(statusCode: number, body: string): HttpResult {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
