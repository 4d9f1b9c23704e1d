/** The SIRET/SIREN rules live in libs/contracts so that every service applies them identically. */
export { LA_POSTE_SIREN, luhnValid, isValidSiren, isValidSiret } from '@observatoire/contracts';
