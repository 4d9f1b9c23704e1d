export interface EngineInfo {
  kafka: { brokers: string[] };
  opensearch: { url: string };
  postgres: { url: string; host: string; port: number; user: string; password: string };
}
export function startEngines(): Promise<EngineInfo>;
export function stopEngines(): Promise<void>;
