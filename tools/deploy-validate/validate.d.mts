export const ROOT: string;
export interface ValidationResult {
  errors: string[];
  notes: string[];
  checked: { yamlFiles: number; k8sObjects: number; composeServices: number; dockerfiles: number };
}
export function parseYaml(text: string, file: string): { docs: unknown[]; errors: string[] };
export function validateK8sObject(obj: unknown, where?: string): string[];
export function checkK8sPolicy(objects: Record<string, unknown>[], opts?: { externalSecrets?: string[] }): string[];
export function checkKustomization(dir: string, kustomization: { resources?: string[] }): string[];
export function validateCompose(doc: unknown, opts?: { file?: string; dir?: string | null }): string[];
export function lintDockerfile(text: string, file?: string): string[];
export function validateAll(opts?: { root?: string; external?: boolean }): ValidationResult;
