export { generateDecp, type GenerateOptions, type GenerateSummary } from './generate-decp';
export { Prng } from './prng';
export { SYNTHETIC_SOURCE } from './decp-writers';
