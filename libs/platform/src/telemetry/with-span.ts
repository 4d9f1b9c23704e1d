import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

/**
 * Run `fn` inside an active span (child of the current one), recording errors. Used by consumers to
 * make their database and index writes visible below the bus's `<topic> process` span.
 */
export async function withSpan<T>(tracerName: string, spanName: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return trace.getTracer(tracerName).startActiveSpan(spanName, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  });
}
