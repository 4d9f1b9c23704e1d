import { Migration } from '@mikro-orm/migrations';

export class Migration20261128122304_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "territory_commune" ("code" varchar(5) not null, "nom" varchar(255) not null, "departement_code" varchar(3) not null, "region_code" varchar(3) not null, "epci_siren" varchar(9) null, constraint "territory_commune_pkey" primary key ("code"));`);
    this.addSql(`create index "territory_commune_epci_siren_index" on "territory_commune" ("epci_siren");`);
    this.addSql(`create index "territory_commune_departement_code_index" on "territory_commune" ("departement_code");`);

    this.addSql(`create table "contract_provenance" ("contract_uid" varchar(255) not null, "ordinal" int not null, "source" varchar(255) not null, "file" text not null, "position" int not null, "format" varchar(32) not null, "schema_version" varchar(16) null, constraint "contract_provenance_pkey" primary key ("contract_uid", "ordinal"));`);
    this.addSql(`create index "contract_provenance_source_file_index" on "contract_provenance" ("source", "file");`);

    this.addSql(`create table "contract" ("uid" varchar(255) not null, "id" varchar(255) not null, "kind" varchar(16) not null, "acheteur_id" varchar(64) not null, "acheteur_siren" varchar(9) null, "objet" text null, "code_cpv" varchar(16) null, "cpv_division" varchar(2) null, "purchase_type" varchar(16) null, "nature" varchar(128) null, "procedure" varchar(255) null, "montant" double precision null, "montant_utilisable" boolean not null, "duree_mois" double precision null, "date_notification" varchar(10) null, "annee" int null, "sort_date" varchar(10) not null, "date_publication" varchar(10) null, "date_derniere_modification" varchar(10) null, "titulaires_count" int not null, "offres_recues" double precision null, "attribution_avance" boolean null, "sous_traitance_declaree" boolean null, "aggregate_version" int not null, "content_hash" varchar(128) not null, "last_event_id" varchar(64) not null, "updated_at" timestamptz not null, "data" jsonb not null, constraint "contract_pkey" primary key ("uid"));`);
    this.addSql(`create index "contract_acheteur_id_sort_date_index" on "contract" ("acheteur_id", "sort_date");`);
    this.addSql(`create index "contract_acheteur_siren_sort_date_index" on "contract" ("acheteur_siren", "sort_date");`);
    this.addSql(`create index "contract_cpv_division_index" on "contract" ("cpv_division");`);
    this.addSql(`create index "contract_annee_index" on "contract" ("annee");`);
    this.addSql(`create index "contract_sort_date_uid_index" on "contract" ("sort_date", "uid");`);

    this.addSql(`create table "contract_titulaire" ("contract_uid" varchar(255) not null, "ordinal" int not null, "titulaire_id" varchar(64) not null, "titulaire_siren" varchar(9) null, "type_identifiant" varchar(64) null, "denomination_sociale" text null, "role" varchar(16) not null, constraint "contract_titulaire_pkey" primary key ("contract_uid", "ordinal"));`);
    this.addSql(`create index "contract_titulaire_titulaire_id_index" on "contract_titulaire" ("titulaire_id");`);
    this.addSql(`create index "contract_titulaire_titulaire_siren_index" on "contract_titulaire" ("titulaire_siren");`);

    this.addSql(`create table "contract_version" ("contract_uid" varchar(255) not null, "seq" int not null, "kind" varchar(16) not null, "montant" double precision null, "duree_mois" double precision null, "date_notification" varchar(10) null, "date_publication" varchar(10) null, "objet_modification" text null, "titulaires" jsonb null, constraint "contract_version_pkey" primary key ("contract_uid", "seq"));`);

    this.addSql(`create table "territory_departement" ("code" varchar(3) not null, "nom" varchar(255) not null, "region_code" varchar(3) not null, constraint "territory_departement_pkey" primary key ("code"));`);

    this.addSql(`create table "territory_epci" ("siren" varchar(9) not null, "nom" varchar(255) not null, "nature" varchar(16) null, constraint "territory_epci_pkey" primary key ("siren"));`);

    this.addSql(`create table "organisation_establishment" ("siret" varchar(14) not null, "siren" varchar(9) not null, "commune_code" varchar(5) null, "latitude" double precision null, "longitude" double precision null, "origin" varchar(64) not null, "updated_at" timestamptz not null, constraint "organisation_establishment_pkey" primary key ("siret"));`);
    this.addSql(`create index "organisation_establishment_siren_index" on "organisation_establishment" ("siren");`);

    this.addSql(`create table "organisation_legal_unit" ("siren" varchar(9) not null, "nom" text null, "categorie_entreprise" varchar(8) null, "tranche_effectifs" varchar(4) null, "categorie_juridique" varchar(4) null, "naf" varchar(8) null, "origin" varchar(64) not null, "updated_at" timestamptz not null, constraint "organisation_legal_unit_pkey" primary key ("siren"));`);

    this.addSql(`create table "organisation" ("id" varchar(64) not null, "type_identifiant" varchar(64) null, "siret" varchar(14) null, "siren" varchar(9) null, "is_buyer" boolean not null, "is_supplier" boolean not null, "status" varchar(16) not null, "unknown_reason" varchar(32) null, "nom" text null, "nom_recherche" varchar(255) null, "categorie_entreprise" varchar(8) null, "tpe" boolean null, "type_organisation" varchar(32) null, "commune_code" varchar(5) null, "epci_siren" varchar(9) null, "departement_code" varchar(3) null, "region_code" varchar(3) null, "origin" varchar(64) null, "enrichment" jsonb null, "profile" jsonb null, "profile_hash" varchar(64) null, "profile_version" int not null, "resolved_at" timestamptz null, "first_seen_at" timestamptz not null, constraint "organisation_pkey" primary key ("id"));`);
    this.addSql(`create index "organisation_nom_recherche_index" on "organisation" ("nom_recherche");`);
    this.addSql(`create index "organisation_siren_index" on "organisation" ("siren");`);
    this.addSql(`create index "organisation_status_index" on "organisation" ("status");`);

    this.addSql(`create table "processed_event" ("consumer" varchar(128) not null, "event_id" varchar(64) not null, "processed_at" timestamptz not null, constraint "processed_event_pkey" primary key ("consumer", "event_id"));`);

    this.addSql(`create table "territory_region" ("code" varchar(3) not null, "nom" varchar(255) not null, constraint "territory_region_pkey" primary key ("code"));`);

    this.addSql(`create table "resolution_attempt" ("attempt_id" serial primary key, "id" varchar(64) not null, "status" varchar(16) not null, "reason" varchar(32) null, "origin" varchar(64) not null, "at" timestamptz not null);`);
    this.addSql(`create index "resolution_attempt_id_at_index" on "resolution_attempt" ("id", "at");`);

    this.addSql(`create table "sirene_api_cache" ("query" varchar(64) not null, "status_code" int not null, "body" text not null, "fetched_at" timestamptz not null, "expires_at" timestamptz not null, constraint "sirene_api_cache_pkey" primary key ("query"));`);

    this.addSql(`create table "sirene_etablissement" ("siret" varchar(14) not null, "siren" varchar(9) not null, "statut_diffusion" varchar(1) not null, "etat_administratif" varchar(1) null, "etablissement_siege" boolean not null, "code_commune" varchar(5) null, "code_postal" varchar(5) null, "libelle_commune" varchar(255) null, "denomination_usuelle" text null, "activite_principale" varchar(8) null, "longitude" double precision null, "latitude" double precision null, constraint "sirene_etablissement_pkey" primary key ("siret"));`);
    this.addSql(`create index "sirene_etablissement_siren_index" on "sirene_etablissement" ("siren");`);

    this.addSql(`create table "sirene_unite_legale" ("siren" varchar(9) not null, "statut_diffusion" varchar(1) not null, "etat_administratif" varchar(1) null, "denomination" text null, "sigle" varchar(255) null, "nom" varchar(255) null, "prenom" varchar(255) null, "categorie_entreprise" varchar(8) null, "tranche_effectifs" varchar(4) null, "categorie_juridique" varchar(4) null, "activite_principale" varchar(8) null, "nic_siege" varchar(5) null, constraint "sirene_unite_legale_pkey" primary key ("siren"));`);

    this.addSql(`create table "subcontracting_act" ("contract_uid" varchar(255) not null, "ordinal" int not null, "act_id" varchar(64) null, "sous_traitant_id" varchar(64) null, "sous_traitant_type_identifiant" varchar(64) null, "montant" double precision null, "duree_mois" double precision null, "date_notification" varchar(10) null, "date_publication" varchar(10) null, "variation_prix" varchar(64) null, constraint "subcontracting_act_pkey" primary key ("contract_uid", "ordinal"));`);
    this.addSql(`create index "subcontracting_act_sous_traitant_id_index" on "subcontracting_act" ("sous_traitant_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "territory_commune" cascade;`);

    this.addSql(`drop table if exists "contract_provenance" cascade;`);

    this.addSql(`drop table if exists "contract" cascade;`);

    this.addSql(`drop table if exists "contract_titulaire" cascade;`);

    this.addSql(`drop table if exists "contract_version" cascade;`);

    this.addSql(`drop table if exists "territory_departement" cascade;`);

    this.addSql(`drop table if exists "territory_epci" cascade;`);

    this.addSql(`drop table if exists "organisation_establishment" cascade;`);

    this.addSql(`drop table if exists "organisation_legal_unit" cascade;`);

    this.addSql(`drop table if exists "organisation" cascade;`);

    this.addSql(`drop table if exists "processed_event" cascade;`);

    this.addSql(`drop table if exists "territory_region" cascade;`);

    this.addSql(`drop table if exists "resolution_attempt" cascade;`);

    this.addSql(`drop table if exists "sirene_api_cache" cascade;`);

    this.addSql(`drop table if exists "sirene_etablissement" cascade;`);

    this.addSql(`drop table if exists "sirene_unite_legale" cascade;`);

    this.addSql(`drop table if exists "subcontracting_act" cascade;`);
  }

}
