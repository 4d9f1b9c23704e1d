/** Public surface of the ingest domain: pure, streaming, no framework, no database. */
export { detectFormat, SNIFF_BYTES, type FormatDetection, type CsvDelimiter } from './detect/format-detector';
export { readRecords } from './read/read-records';
export {
  DecpFileError, isFileError, toFileError, RAW_TEXT_LIMIT, READ_PROBLEM_CODES,
  type FileInput, type RawRecord, type ReadProblem, type ReadProblemCode,
} from './raw-record';
export { normaliseRecord } from './normalise/normalise-record';
export type { NormaliseOutcome, NormaliseContext } from './normalise/normalise-outcome';
export { foldVersions, type FoldedState } from './normalise/fold-versions';
export { isValidSiret, isValidSiren } from './normalise/siret';
export { normaliseCpv, type CpvOutcome } from './normalise/cpv';
export { parseDecpDate, type DateOutcome } from './normalise/dates';
export { amountUnusableReason } from './normalise/amounts';
export { mergeContracts } from './merge/merge-contracts';
export { idReuseFlag } from './merge/identity';
export { sequenceIdModificationFlag } from './merge/sequence-id';
export { checkAgainstSchema } from './validate/schema-validator';
export { generateDecp, type GenerateOptions } from '../generator';
