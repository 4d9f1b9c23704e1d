import { createScratchDatabase as create, type ScratchDatabase } from '@observatoire/platform';

export type { ScratchDatabase };
export const createScratchDatabase = (adminUrl: string, prefix = 'catalog_test'): Promise<ScratchDatabase> => create(adminUrl, prefix);
