import type { IncomingMessage } from 'node:http';

/** What an API request asks for, read from its method and path. */
export type Route =
  | { kind: 'addLead' | 'search' | 'deleteLeads' | 'deleteByExternalIds'; outboundId: string }
  | { kind: 'byExternalId'; outboundId: string; externalId: string }
  | { kind: 'byId'; outboundId: string; leadId: string }
  | { kind: 'updateLead'; outboundId: string; leadId: string }
  | { kind: 'control'; name: string }
  | { kind: 'unknown' };

/** The scheme is case-insensitive, as in ASP.NET; only the yes/no answer leaves this function, never the token. */
export function isAuthorized(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const space = header.indexOf(' ');
  return space > 0 && header.slice(0, space).toLowerCase() === 'bearer' && header.slice(space + 1) === token;
}

/** ASP.NET routes ignore case; path parameters are URL-decoded. */
export function matchRoute(method: string, url: string): Route {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path.startsWith('/_sandbox/')) return { kind: 'control', name: `${method} ${path.slice(10)}` };
  const raw = path.split('/').slice(1);
  if (raw.at(-1) === '') raw.pop();
  let parts: string[];
  try {
    parts = raw.map((part) => decodeURIComponent(part));
  } catch {
    return { kind: 'unknown' };
  }
  const [version, outbound, outboundId, lead, fourth, fifth] = parts;
  const is = (part: string | undefined, name: string): boolean => part?.toLowerCase() === name;
  if (!is(version, 'v1') || !is(outbound, 'outbound') || outboundId === undefined || outboundId === '') {
    return { kind: 'unknown' };
  }
  if (parts.length === 4 && method === 'PUT' && is(lead, 'lead')) return { kind: 'addLead', outboundId };
  if (parts.length === 4 && method === 'POST' && is(lead, 'leads')) return { kind: 'search', outboundId };
  if (method === 'DELETE' && is(lead, 'leads')) {
    if (parts.length === 4) return { kind: 'deleteLeads', outboundId };
    if (parts.length === 5 && is(fourth, 'external')) return { kind: 'deleteByExternalIds', outboundId };
    return { kind: 'unknown' };
  }
  if (parts.length === 5 && method === 'PUT' && is(lead, 'lead') && fourth !== undefined) {
    return { kind: 'updateLead', outboundId, leadId: fourth };
  }
  if (method !== 'GET' || !is(lead, 'lead') || fourth === undefined) return { kind: 'unknown' };
  if (parts.length === 5) return { kind: 'byId', outboundId, leadId: fourth };
  if (parts.length === 6 && is(fourth, 'external') && fifth !== undefined) {
    return { kind: 'byExternalId', outboundId, externalId: fifth };
  }
  return { kind: 'unknown' };
}

/** Bodies are read whole: leads are small, and the request log wants the parsed body. */
export function readText(req: IncomingMessage): Promise<string> {
  // Plain events, not `for await`: the async iterator costs a noticeable share of a benchmark's throughput.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
