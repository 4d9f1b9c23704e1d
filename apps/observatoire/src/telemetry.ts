import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';

let sdk: NodeSDK | null = null;

/**
 * Starts the OpenTelemetry SDK before the application is loaded, so HTTP, Express and kafkajs are
 * instrumented and W3C trace context crosses Kafka in headers. Spans are exported over OTLP only
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set (off by default in the embedded profile).
 */
export function startTelemetry(serviceName: string): void {
  if (sdk || process.env.OTEL_SDK_DISABLED === 'true') return;
  const exportEnabled = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (!exportEnabled) process.env.OTEL_TRACES_EXPORTER ??= 'none';
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  sdk = new NodeSDK({
    serviceName,
    instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation(), new KafkaJsInstrumentation()],
  });
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
  sdk = null;
}
