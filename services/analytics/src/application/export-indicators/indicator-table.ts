/** A table to export: typed columns with French headers, and rows produced lazily (streamed by the writers). */
export type CellKind = 'text' | 'integer' | 'decimal' | 'share' | 'euro' | 'boolean';
export type Cell = string | number | boolean | null;

export interface TableColumn {
  header: string;
  kind: CellKind;
}

export interface Table {
  /** Sheet name (XLSX) and file name stem. */
  name: string;
  columns: TableColumn[];
  rows: Iterable<Cell[]>;
}
