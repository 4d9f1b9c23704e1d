import { createScratchDatabase as create, type ScratchDatabase } from '@observatoire/platform';

export const createScratchDatabase = (adminUrl: string, prefix = 'ingest_test'): Promise<ScratchDatabase> => create(adminUrl, prefix);
