import { HEADERS, type ObservatoireEvent } from '@observatoire/contracts';
import { context, propagation, trace, type Link } from '@opentelemetry/api';

/** Envelope metadata and W3C trace context carried in message headers. */
export function eventHeaders(event: ObservatoireEvent): Record<string, string> {
  const headers: Record<string, string> = {
    [HEADERS.eventId]: event.eventId,
    [HEADERS.type]: event.type,
    [HEADERS.version]: String(event.version),
    [HEADERS.source]: event.source,
    [HEADERS.correlationId]: event.correlationId,
  };
  if (event.causationId) headers[HEADERS.causationId] = event.causationId;
  propagation.inject(context.active(), headers);
  return headers;
}

/** Span links to the producers' spans of a batch (one consumer span per batch, linked to each message). */
export function linksFromHeaders(all: Record<string, string>[]): Link[] {
  const links: Link[] = [];
  for (const h of all) {
    const ctx = propagation.extract(context.active(), h);
    const sc = trace.getSpanContext(ctx);
    if (sc) links.push({ context: sc });
  }
  return links;
}

export function headersToStrings(headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(String).join(',') : v.toString();
  }
  return out;
}
