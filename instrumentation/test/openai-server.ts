import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal OpenAI-compatible server on 127.0.0.1 (chat completions only). Model `broken` answers 500,
 * model `unknown` answers 404 with OpenAI's error shape; anything else answers a completion with fixed usage.
 */
export interface FakeOpenAI {
  baseURL: string;
  requests: number;
  close(): Promise<void>;
}

export async function startFakeOpenAI(usage = { prompt_tokens: 1200, completion_tokens: 300 }): Promise<FakeOpenAI> {
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.requests++;
      const parsed = JSON.parse(body || '{}') as { model?: string };
      const model = parsed.model ?? 'unset';
      res.setHeader('content-type', 'application/json');
      if (req.url !== '/v1/chat/completions' || req.method !== 'POST') {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      } else if (model === 'broken') {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { message: 'upstream exploded', type: 'server_error' } }));
      } else if (model === 'unknown') {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { message: 'model not found', type: 'invalid_request_error' } }));
      } else {
        res.end(
          JSON.stringify({
            id: `chatcmpl-${state.requests}`,
            object: 'chat.completion',
            created: 1_700_000_000,
            model: `${model}-2024-08-06`,
            choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
            usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
