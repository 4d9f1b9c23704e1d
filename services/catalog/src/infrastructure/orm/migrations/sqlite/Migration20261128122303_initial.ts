import { Migration } from '@mikro-orm/migrations';

export class Migration20261128122303_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`territory_commune\` (\`code\` text not null, \`nom\` text not null, \`departement_code\` text not null, \`region_code\` text not null, \`epci_siren\` text null, primary key (\`code\`));`);
    this.addSql(`create index \`territory_commune_epci_siren_index\` on \`territory_commune\` (\`epci_siren\`);`);
    this.addSql(`create index \`territory_commune_departement_code_index\` on \`territory_commune\` (\`departement_code\`);`);

    this.addSql(`create table \`contract_provenance\` (\`contract_uid\` text not null, \`ordinal\` integer not null, \`source\` text not null, \`file\` text not null, \`position\` integer not null, \`format\` text not null, \`schema_version\` text null, primary key (\`contract_uid\`, \`ordinal\`));`);
    this.addSql(`create index \`contract_provenance_source_file_index\` on \`contract_provenance\` (\`source\`, \`file\`);`);

    this.addSql(`create table \`contract\` (\`uid\` text not null, \`id\` text not null, \`kind\` text not null, \`acheteur_id\` text not null, \`acheteur_siren\` text null, \`objet\` text null, \`code_cpv\` text null, \`cpv_division\` text null, \`purchase_type\` text null, \`nature\` text null, \`procedure\` text null, \`montant\` double null, \`montant_utilisable\` integer not null, \`duree_mois\` double null, \`date_notification\` text null, \`annee\` integer null, \`sort_date\` text not null, \`date_publication\` text null, \`date_derniere_modification\` text null, \`titulaires_count\` integer not null, \`offres_recues\` double null, \`attribution_avance\` integer null, \`sous_traitance_declaree\` integer null, \`aggregate_version\` integer not null, \`content_hash\` text not null, \`last_event_id\` text not null, \`updated_at\` datetime not null, \`data\` json not null, primary key (\`uid\`));`);
    this.addSql(`create index \`contract_acheteur_id_sort_date_index\` on \`contract\` (\`acheteur_id\`, \`sort_date\`);`);
    this.addSql(`create index \`contract_acheteur_siren_sort_date_index\` on \`contract\` (\`acheteur_siren\`, \`sort_date\`);`);
    this.addSql(`create index \`contract_cpv_division_index\` on \`contract\` (\`cpv_division\`);`);
    this.addSql(`create index \`contract_annee_index\` on \`contract\` (\`annee\`);`);
    this.addSql(`create index \`contract_sort_date_uid_index\` on \`contract\` (\`sort_date\`, \`uid\`);`);

    this.addSql(`create table \`contract_titulaire\` (\`contract_uid\` text not null, \`ordinal\` integer not null, \`titulaire_id\` text not null, \`titulaire_siren\` text null, \`type_identifiant\` text null, \`denomination_sociale\` text null, \`role\` text not null, primary key (\`contract_uid\`, \`ordinal\`));`);
    this.addSql(`create index \`contract_titulaire_titulaire_id_index\` on \`contract_titulaire\` (\`titulaire_id\`);`);
    this.addSql(`create index \`contract_titulaire_titulaire_siren_index\` on \`contract_titulaire\` (\`titulaire_siren\`);`);

    this.addSql(`create table \`contract_version\` (\`contract_uid\` text not null, \`seq\` integer not null, \`kind\` text not null, \`montant\` double null, \`duree_mois\` double null, \`date_notification\` text null, \`date_publication\` text null, \`objet_modification\` text null, \`titulaires\` json null, primary key (\`contract_uid\`, \`seq\`));`);

    this.addSql(`create table \`territory_departement\` (\`code\` text not null, \`nom\` text not null, \`region_code\` text not null, primary key (\`code\`));`);

    this.addSql(`create table \`territory_epci\` (\`siren\` text not null, \`nom\` text not null, \`nature\` text null, primary key (\`siren\`));`);

    this.addSql(`create table \`organisation_establishment\` (\`siret\` text not null, \`siren\` text not null, \`commune_code\` text null, \`latitude\` double null, \`longitude\` double null, \`origin\` text not null, \`updated_at\` datetime not null, primary key (\`siret\`));`);
    this.addSql(`create index \`organisation_establishment_siren_index\` on \`organisation_establishment\` (\`siren\`);`);

    this.addSql(`create table \`organisation_legal_unit\` (\`siren\` text not null, \`nom\` text null, \`categorie_entreprise\` text null, \`tranche_effectifs\` text null, \`categorie_juridique\` text null, \`naf\` text null, \`origin\` text not null, \`updated_at\` datetime not null, primary key (\`siren\`));`);

    this.addSql(`create table \`organisation\` (\`id\` text not null, \`type_identifiant\` text null, \`siret\` text null, \`siren\` text null, \`is_buyer\` integer not null, \`is_supplier\` integer not null, \`status\` text not null, \`unknown_reason\` text null, \`nom\` text null, \`nom_recherche\` text null, \`categorie_entreprise\` text null, \`tpe\` integer null, \`type_organisation\` text null, \`commune_code\` text null, \`epci_siren\` text null, \`departement_code\` text null, \`region_code\` text null, \`origin\` text null, \`enrichment\` json null, \`profile\` json null, \`profile_hash\` text null, \`profile_version\` integer not null, \`resolved_at\` datetime null, \`first_seen_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`organisation_nom_recherche_index\` on \`organisation\` (\`nom_recherche\`);`);
    this.addSql(`create index \`organisation_siren_index\` on \`organisation\` (\`siren\`);`);
    this.addSql(`create index \`organisation_status_index\` on \`organisation\` (\`status\`);`);

    this.addSql(`create table \`processed_event\` (\`consumer\` text not null, \`event_id\` text not null, \`processed_at\` datetime not null, primary key (\`consumer\`, \`event_id\`));`);

    this.addSql(`create table \`territory_region\` (\`code\` text not null, \`nom\` text not null, primary key (\`code\`));`);

    this.addSql(`create table \`resolution_attempt\` (\`attempt_id\` integer not null primary key autoincrement, \`id\` text not null, \`status\` text not null, \`reason\` text null, \`origin\` text not null, \`at\` datetime not null);`);
    this.addSql(`create index \`resolution_attempt_id_at_index\` on \`resolution_attempt\` (\`id\`, \`at\`);`);

    this.addSql(`create table \`sirene_api_cache\` (\`query\` text not null, \`status_code\` integer not null, \`body\` text not null, \`fetched_at\` datetime not null, \`expires_at\` datetime not null, primary key (\`query\`));`);

    this.addSql(`create table \`sirene_etablissement\` (\`siret\` text not null, \`siren\` text not null, \`statut_diffusion\` text not null, \`etat_administratif\` text null, \`etablissement_siege\` integer not null, \`code_commune\` text null, \`code_postal\` text null, \`libelle_commune\` text null, \`denomination_usuelle\` text null, \`activite_principale\` text null, \`longitude\` double null, \`latitude\` double null, primary key (\`siret\`));`);
    this.addSql(`create index \`sirene_etablissement_siren_index\` on \`sirene_etablissement\` (\`siren\`);`);

    this.addSql(`create table \`sirene_unite_legale\` (\`siren\` text not null, \`statut_diffusion\` text not null, \`etat_administratif\` text null, \`denomination\` text null, \`sigle\` text null, \`nom\` text null, \`prenom\` text null, \`categorie_entreprise\` text null, \`tranche_effectifs\` text null, \`categorie_juridique\` text null, \`activite_principale\` text null, \`nic_siege\` text null, primary key (\`siren\`));`);

    this.addSql(`create table \`subcontracting_act\` (\`contract_uid\` text not null, \`ordinal\` integer not null, \`act_id\` text null, \`sous_traitant_id\` text null, \`sous_traitant_type_identifiant\` text null, \`montant\` double null, \`duree_mois\` double null, \`date_notification\` text null, \`date_publication\` text null, \`variation_prix\` text null, primary key (\`contract_uid\`, \`ordinal\`));`);
    this.addSql(`create index \`subcontracting_act_sous_traitant_id_index\` on \`subcontracting_act\` (\`sous_traitant_id\`);`);
  }

}
