import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedPut {
  outboundId: string;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A minimal NLPearl-compatible server that is not our sandbox: it records every Add Lead body and answers
 * each with a fresh id, to check what our client really puts on the wire.
 */
export async function startRecordingServer(): Promise<{
  url: string;
  puts: RecordedPut[];
  leadIds: string[];
  close(): Promise<void>;
}> {
  const puts: RecordedPut[] = [];
  const leadIds: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = request.url ?? '';
      const addLead = /^\/v1\/Outbound\/([^/]+)\/Lead$/.exec(url);
      if (request.method === 'PUT' && addLead) {
        puts.push({
          outboundId: decodeURIComponent(addLead[1]!),
          authorization: request.headers.authorization,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
        });
        const leadId = `rec-${puts.length.toString(16).padStart(6, '0')}`;
        leadIds.push(leadId);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ leadId }));
        return;
      }
      if (request.method === 'POST' && /^\/v1\/Outbound\/[^/]+\/Leads$/.test(url)) {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"count":0,"results":[]}');
        return;
      }
      response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    puts,
    leadIds,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
