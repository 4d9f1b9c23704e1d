import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * Test-process tracing: a NodeTracerProvider (AsyncLocalStorage context manager, W3C trace context
 * and baggage propagators) exporting every ended span to memory. Register it before any observatory
 * is created so the bus, the ingest handler and the consumers pick up the global tracer provider.
 */
export function registerInMemoryTracing(): { exporter: InMemorySpanExporter; provider: NodeTracerProvider; shutdown: () => Promise<void> } {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  return {
    exporter,
    provider,
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
    },
  };
}

export const spanId = (s: ReadableSpan): string => s.spanContext().spanId;
export const traceId = (s: ReadableSpan): string => s.spanContext().traceId;
export const parentId = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

/** The spans of one run, indexed for ancestry questions. */
export class SpanGraph {
  private readonly byId = new Map<string, ReadableSpan>();

  constructor(readonly spans: ReadableSpan[]) {
    for (const s of spans) this.byId.set(spanId(s), s);
  }

  named(name: string): ReadableSpan[] {
    return this.spans.filter((s) => s.name === name);
  }

  /** Ancestors of a span, nearest first (only those recorded). */
  ancestors(span: ReadableSpan): ReadableSpan[] {
    const out: ReadableSpan[] = [];
    let p = parentId(span);
    while (p) {
      const parent = this.byId.get(p);
      if (!parent) break;
      out.push(parent);
      p = parentId(parent);
    }
    return out;
  }

  isDescendant(span: ReadableSpan, ancestor: ReadableSpan): boolean {
    return traceId(span) === traceId(ancestor) && this.ancestors(span).some((a) => spanId(a) === spanId(ancestor));
  }

  descendants(span: ReadableSpan): ReadableSpan[] {
    return this.spans.filter((s) => this.isDescendant(s, span));
  }

  /** A readable tree of a span's ancestry, for failure messages. */
  describe(span: ReadableSpan): string {
    return [span, ...this.ancestors(span)].map((s) => `${s.name} [${traceId(s).slice(0, 8)}/${spanId(s)}]`).join(' <- ') || '(none)';
  }
}
