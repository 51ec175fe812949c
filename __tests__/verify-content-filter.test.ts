import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { CONTENT_FILTER_CASES, verifyContentFilter } from '../cli/src/verify/content-filter-check';

/** A local stand-in for the Azure OpenAI data plane, answering as the service does in each case. */
type Behaviour = 'strict' | 'lenient' | 'no-annotations';

function annotations(filtered = false) {
  const r = {
    hate: { filtered: false, severity: 'safe' },
    self_harm: { filtered: false, severity: 'safe' },
    sexual: { filtered: false, severity: 'safe' },
    violence: { filtered, severity: filtered ? 'medium' : 'safe' },
  };
  return r;
}

function startServer(
  behaviour: Behaviour,
  seen: Array<{ auth?: string; url?: string; body: any }>,
): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw);
      seen.push({ auth: req.headers.authorization, url: req.url, body });
      const prompt: string = body.messages[0].content;
      const harmful = /malware/i.test(prompt);
      res.setHeader('content-type', 'application/json');
      if (harmful && behaviour !== 'lenient') {
        res.statusCode = 400;
        res.end(
          JSON.stringify({
            error: {
              code: 'content_filter',
              message: 'The response was filtered due to the prompt triggering content management policy.',
              innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: annotations(true) },
            },
          }),
        );
        return;
      }
      res.statusCode = 200;
      const withAnnotations = behaviour !== 'no-annotations';
      res.end(
        JSON.stringify({
          choices: [
            {
              index: 0,
              finish_reason: 'stop',
              message: { role: 'assistant', content: 'ok' },
              ...(withAnnotations ? { content_filter_results: annotations() } : {}),
            },
          ],
          ...(withAnnotations
            ? { prompt_filter_results: [{ prompt_index: 0, content_filter_results: annotations() }] }
            : {}),
        }),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function run(behaviour: Behaviour) {
  const seen: Array<{ auth?: string; url?: string; body: any }> = [];
  const server = await startServer(behaviour, seen);
  try {
    const { port } = server.address() as AddressInfo;
    const results = await verifyContentFilter({
      endpoint: `http://127.0.0.1:${port}/`,
      deployment: 'gpt-4o',
      getToken: async () => 'entra-token',
    });
    return { results, seen };
  } finally {
    server.close();
  }
}

describe('verify-content-filter against a local server', () => {
  test('a strict deployment passes every case, with an Entra ID bearer token and annotations', async () => {
    const { results, seen } = await run('strict');
    expect(results.map((r) => [r.name, r.pass, r.wasFiltered])).toEqual([
      ['benign_request', true, false],
      ['borderline_security', true, false],
      ['harmful_direct', true, true],
    ]);
    expect(seen.every((s) => s.auth === 'Bearer entra-token')).toBe(true);
    expect(seen[0].url).toBe('/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
    expect(seen.map((s) => s.body.messages[0].content)).toEqual(CONTENT_FILTER_CASES.map((c) => c.prompt));
  });
  test('a deployment that lets the harmful prompt through fails that case', async () => {
    const { results } = await run('lenient');
    expect(results.find((r) => r.name === 'harmful_direct')).toMatchObject({
      pass: false,
      wasFiltered: false,
    });
  });
  test('responses without content filter annotations fail', async () => {
    const { results } = await run('no-annotations');
    expect(results.find((r) => r.name === 'benign_request')).toMatchObject({
      pass: false,
      annotationsPresent: false,
      detail: expect.stringMatching(/annotations missing/),
    });
  });
});
